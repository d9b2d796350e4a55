"""helpers.dedup.minhash: shingle sets, OPH signatures, LSH banding and exact overlaps."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.dedup import minhash

STORY = (
    "比亚迪海外工厂陆续投产，东南亚与南美市场的交付明显加快。"
    "公司预计明年海外销量继续增长，欧洲业务仍受关税影响。"
    "分析人士认为，本地化生产能降低物流成本，也能缩短交付周期。"
)
OTHER = (
    "城市道路上的无人驾驶出租车数量持续增加，多家公司公布了新的车队规模。"
    "监管部门表示，将在更多区域开放测试，并要求企业定期报告安全数据。"
)


def random_texts(n: int, length: int, seed: int = 0) -> list[str]:
    """Texts of random common Chinese characters (a small alphabet, so sets overlap)."""
    rng = np.random.default_rng(seed)
    alphabet = np.array(
        list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动")
    )
    return ["".join(rng.choice(alphabet, size=length)) for _ in range(n)]


@pytest.mark.parametrize(
    ("texts", "k", "sizes"),
    [
        pytest.param(["汽车出口"], 2, [3], id="three-bigrams"),
        pytest.param(["车"], 2, [0], id="shorter-than-k"),
        pytest.param(["", "出口出口出口"], 2, [0, 2], id="empty-and-repeats"),
        pytest.param([], 5, [], id="no-texts"),
    ],
)
def test_hash_shingles_sizes(texts, k, sizes):
    assert minhash.hash_shingles(texts, k=k).sizes.tolist() == sizes


def test_hash_shingles_chunked_equals_one_pass(monkeypatch):
    texts = [*random_texts(50, 300), STORY, "", OTHER]
    whole = minhash.hash_shingles(texts, k=5, seed=3)
    monkeypatch.setattr(minhash, "CHUNK_CHARS", 701)
    chunked = minhash.hash_shingles(texts, k=5, seed=3)
    assert np.array_equal(whole.keys, chunked.keys)
    assert np.array_equal(whole.offsets, chunked.offsets)


def test_hash_shingles_windows_never_cross_texts():
    # "ab" + "cd" concatenated would give the window "bc" if boundaries leaked.
    joint = minhash.hash_shingles(["ab", "cd"], k=2)
    alone = minhash.hash_shingles(["bc"], k=2)
    assert not set(alone.hashes(0)) & (set(joint.hashes(0)) | set(joint.hashes(1)))


def test_seed_changes_hashes_deterministically():
    a1 = minhash.hash_shingles([STORY], k=5, seed=1).keys
    a2 = minhash.hash_shingles([STORY], k=5, seed=1).keys
    b = minhash.hash_shingles([STORY], k=5, seed=2).keys
    assert np.array_equal(a1, a2) and not np.array_equal(a1, b)


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed{s}") for s in range(3)])
def test_overlap_counts_match_python_sets(seed):
    texts = random_texts(40, 80, seed)
    sets = minhash.hash_shingles(texts, k=3)
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, len(texts), size=(200, 2))
    got = minhash.overlap_counts(sets, pairs)
    py = [set(sets.hashes(i).tolist()) for i in range(len(texts))]
    assert got.tolist() == [len(py[a] & py[b]) for a, b in pairs.tolist()]


def test_overlap_counts_equal_in_small_batches(monkeypatch):
    texts = random_texts(40, 80, 5)
    sets = minhash.hash_shingles(texts, k=3)
    pairs = np.random.default_rng(5).integers(0, len(texts), size=(300, 2))
    whole = minhash.overlap_counts(sets, pairs)
    monkeypatch.setattr(minhash, "CHUNK_CHARS", 97)  # a batch boundary every few pairs
    assert minhash.overlap_counts(sets, pairs).tolist() == whole.tolist()


def test_jaccard_and_containment_of_a_truncated_copy():
    sets = minhash.hash_shingles([STORY, STORY[: len(STORY) // 2], OTHER], k=5)
    pairs = np.array([[0, 1], [0, 2]])
    inter = minhash.overlap_counts(sets, pairs)
    assert minhash.containment(sets, pairs, inter).tolist() == [1.0, 0.0]
    assert 0.4 < minhash.jaccard(sets, pairs, inter)[0] < 0.6


def test_signature_estimate_tracks_exact_jaccard():
    base = random_texts(1, 2000, seed=5)[0]
    edited = [base[:i] + "车" + base[i + 1 :] for i in range(0, 2000, 25)]
    texts = [base, "".join(edited[-1])]
    sets = minhash.hash_shingles(texts, k=5)
    sig = minhash.oph_signatures(sets, num_perm=128)
    pair = np.array([[0, 1]])
    exact = minhash.jaccard(sets, pair, minhash.overlap_counts(sets, pair))[0]
    assert abs(minhash.estimate_jaccard(sig, pair)[0] - exact) < 0.15


def test_densified_signatures_have_no_empty_slots_unless_no_shingles():
    sets = minhash.hash_shingles(["新能源车出口", "", STORY], k=2)
    sig = minhash.oph_signatures(sets, num_perm=64)
    assert (sig[0] != minhash.EMPTY_SLOT).all()
    assert (sig[1] == minhash.EMPTY_SLOT).all()
    assert (sig[2] != minhash.EMPTY_SLOT).all()


@pytest.mark.parametrize("num_perm", [pytest.param(n, id=str(n)) for n in (0, 100, 512)])
def test_num_perm_must_be_a_power_of_two(num_perm):
    sets = minhash.hash_shingles([STORY], k=5)
    with pytest.raises(ValueError, match="power of two"):
        minhash.oph_signatures(sets, num_perm=num_perm)


def test_band_candidates_find_near_copies_only():
    near = STORY.replace("明显加快", "明显提速")
    texts = [STORY, OTHER, near, "", STORY[:10]]
    sets = minhash.hash_shingles(texts, k=5)
    sig = minhash.oph_signatures(sets, num_perm=128)
    assert minhash.band_candidates(sig, bands=42, rows=3).tolist() == [[0, 2]]
    inactive = np.array([True, True, False, True, True])
    assert minhash.band_candidates(sig, bands=42, rows=3, active=inactive).tolist() == []


def test_big_bucket_pairs_by_window():
    sig = np.zeros((10, 4), dtype=np.uint32)  # ten identical signatures: one bucket
    pairs = minhash.band_candidates(sig, bands=1, rows=4, max_bucket=3)
    assert all(b - a <= 2 for a, b in pairs.tolist())
    assert len(pairs) == 9 + 8


def test_band_shape_is_checked():
    with pytest.raises(ValueError, match="exceed"):
        minhash.band_keys(np.zeros((2, 8), dtype=np.uint32), bands=3, rows=3)
