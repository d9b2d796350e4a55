"""Corpus-at-once MinHash signatures, LSH banding and exact set overlaps, all in numpy.

Every function works on the whole corpus in a handful of numpy calls; nothing loops over
documents in Python. The pieces:

* :func:`hash_shingles` — each text's character k-shingles, hashed to 40 bits and stored as one
  sorted array of ``doc << 40 | hash`` keys (a CSR layout: :class:`ShingleSets`);
* :func:`oph_signatures` — MinHash signatures by one-permutation hashing (OPH) with optimal
  densification: a shingle's hash picks one of ``num_perm`` bins and the minimum per bin is
  the signature slot, so the cost is one pass over the shingles instead of ``num_perm``;
* :func:`band_candidates` — LSH banding over the signatures: pairs that agree on every slot
  of at least one band;
* :func:`overlap_counts` — the exact shared-shingle count of candidate pairs, from which
  :func:`jaccard` and :func:`containment` are computed.

NOTE: written by hand because no installed library does this over a whole corpus at once.
datasketch (kept as the baseline in ``helpers.devtools.bench.dedup``) builds one ``MinHash`` object
per document, sha1-hashes every shingle in a Python loop and runs ``num_perm`` affine permutations
per shingle: about 0.6 ms per 2 KB article with ``update_batch`` here, 1.3–2 ms with ``update``. A
vectorised k-permutation MinHash still costs ``num_perm`` multiply-adds per shingle (measured ~3 s
for 12 M shingles x 128 permutations on one core); OPH needs one hash per shingle and gives the same
collision probability (Jaccard) per slot (Li, Owen & Zhang 2012; Shrivastava 2017 for the
densification of empty bins).

Example:
    >>> sets = hash_shingles(["比亚迪海外销量大增", "比亚迪海外销量大增了", "奇瑞出口"], k=3)
    >>> sets.sizes.tolist()
    [7, 8, 2]
    >>> pairs = np.array([[0, 1], [0, 2]])
    >>> inter = overlap_counts(sets, pairs)
    >>> inter.tolist(), jaccard(sets, pairs, inter).round(3).tolist()
    ([7, 0], [0.875, 0.0])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HASH_BITS = 40  # bits of a shingle hash kept in a key; the doc index gets the other 24
DOC_BITS = 64 - HASH_BITS
MAX_DOCS = 1 << DOC_BITS  # 16.7 M documents per call
HASH_MASK = np.uint64((1 << HASH_BITS) - 1)
EMPTY_SLOT = np.uint32(0xFFFFFFFF)  # signature slot of a document without shingles
# Above every key: its document bits are all ones, and hash_shingles takes fewer documents.
NOT_A_KEY = np.uint64(0xFFFFFFFFFFFFFFFF)
# NOTE: texts are hashed in chunks of about this many characters (and keys handled in batches
# of this many) so the temporaries stay small however large the corpus; the result is
# identical to one pass. Why 50 000: glibc gives freed blocks above its adaptive thresholds
# back to the OS, so in a fresh process every chunk of MB-sized temporaries was page-faulted
# anew. Measured in a forked child on 20 000 articles, stage 02 took 113 000 page faults
# with 250 000 (0.3 s of its time) and 35 000 with 30 000-60 000; 100 000 was 60 000.
CHUNK_CHARS = 50_000
# Signature rows (documents or pairs) per batch in band_candidates and estimate_jaccard.
# NOTE: numpy asks for transparent huge pages on arrays of 4 MB and more; with this
# kernel's defrag=madvise a fault on one sometimes stalls in memory compaction (measured
# 0.02 s and 0.27 s of system time for the same find_duplicate_pairs call). Batches of
# 2048 rows keep those temporaries at 2 MB or less, and reused.
BATCH_ROWS = 2048
# Polynomial base of the rolling shingle hash (odd, so multiplication mod 2**64 is invertible).
POLY_BASE = np.uint64(0x100000001B3)
# Buckets larger than this are paired by a sliding window of this many neighbours instead of
# all pairs (a band shared by thousands of boilerplate-only texts would otherwise yield
# millions of candidates); real duplicates still meet in their other bands.
MAX_BUCKET = 64

_U64 = np.uint64


@dataclass(frozen=True)
class ShingleSets:
    """Distinct hashed shingles of many texts, sorted, in one array.

    Attributes:
        keys: ``doc << 40 | hash`` as uint64, sorted ascending, unique.
        offsets: int64, ``n_docs + 1`` entries; document ``i`` owns
            ``keys[offsets[i]:offsets[i + 1]]``.
    """

    keys: np.ndarray
    offsets: np.ndarray

    @property
    def n_docs(self) -> int:
        """Number of documents."""
        return len(self.offsets) - 1

    @property
    def sizes(self) -> np.ndarray:
        """Distinct shingles per document (int64)."""
        return np.diff(self.offsets)

    def hashes(self, doc: int) -> np.ndarray:
        """Return the sorted 40-bit shingle hashes of one document."""
        return self.keys[self.offsets[doc] : self.offsets[doc + 1]] & HASH_MASK


def mix64(x: np.ndarray) -> np.ndarray:
    """Scramble uint64 values (splitmix64 finaliser) so every output bit depends on every input bit.

    Args:
        x: uint64 array; modified in place and returned.

    Returns:
        The mixed array.

    Example:
        >>> v = mix64(np.array([ord("车"), ord("車")], dtype=np.uint64))
        >>> bool(v[0] != v[1]), v.dtype.name
        (True, 'uint64')
    """
    x ^= x >> _U64(30)
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def text_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the code points of all texts concatenated, and each text's length.

    Example:
        >>> codes, lengths = text_codes(["汽车", "", "车"])
        >>> codes.tolist(), lengths.tolist()
        ([27773, 36710, 36710], [2, 0, 1])
    """
    joined = "".join(texts)
    # NOTE: surrogatepass keeps lone surrogates (left by lenient decoders) instead of raising.
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return codes, lengths


def chunk_bounds(texts: Sequence[str], max_chars: int | None = None) -> list[tuple[int, int]]:
    """Split ``texts`` into consecutive ``(start, stop)`` runs of about ``max_chars`` characters.

    NOTE: numpy temporaries above a few MB are fresh ``mmap``s, and their page faults cost
    more than the arithmetic on this VM (``count_script_chars`` over 20 000 articles: 0.19 s
    in one call, 0.04 s in chunks of 500). Chunks keep temporaries small and reused.

    Example:
        >>> chunk_bounds(["汽车", "出口", "芯片"], max_chars=3)
        [(0, 2), (2, 3)]
    """
    limit = max_chars or CHUNK_CHARS
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    # A chunk ends at the first text reaching each multiple of the limit.
    cuts = np.searchsorted(ends, np.arange(limit, ends[-1] if len(ends) else 0, limit)) + 1
    bounds = sorted({0, len(texts), *cuts.tolist()} - {len(texts) + 1})
    return list(itertools.pairwise(bounds))


def _rolling_hash(codes: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Hash every window of ``k`` code points (positions 0 .. len-k) to uint64."""
    n = len(codes) - k + 1
    # NOTE: one cast up front; adding uint32 slices to a uint64 array casts on every step.
    wide = codes.astype(np.uint64)
    h = wide[:n].copy()
    for j in range(1, k):
        h *= POLY_BASE
        h += wide[j : j + n]
    h ^= _U64(seed & 0xFFFFFFFFFFFFFFFF)
    return mix64(h)


def _crossing_windows(lengths: np.ndarray, k: int, n_windows: int) -> np.ndarray:
    """Start positions of the windows that run from one text into the next (each once).

    Example:
        >>> sorted(_crossing_windows(np.array([3, 2]), 2, 4).tolist())
        [2]
    """
    ends = np.cumsum(lengths)
    parts = [np.empty(0, dtype=np.int64)]
    for j in range(1, k):
        starts = ends - j
        parts.append(starts[(lengths >= j) & (starts < n_windows)])
    return np.concatenate(parts)


def _chunk_keys(codes: np.ndarray, lengths: np.ndarray, first_doc: int, k: int, seed: int):
    """Sorted ``doc << 40 | hash`` keys of one chunk of consecutive documents (with repeats)."""
    if len(codes) < k or not (lengths >= k).any():
        return np.empty(0, dtype=np.uint64)
    h = _rolling_hash(codes, k, seed)
    h >>= _U64(64 - HASH_BITS)
    # Tag each window with the document it starts in (in place: no further temporaries).
    docs = np.arange(first_doc, first_doc + len(lengths), dtype=np.uint64) << _U64(HASH_BITS)
    h |= np.repeat(docs, lengths)[: len(h)]
    # NOTE: windows across two texts are not removed (a full copy) but set to a value above
    # every key, which the sort moves to the end, where they are cut off.
    crossing = _crossing_windows(lengths, k, len(h))
    h[crossing] = NOT_A_KEY
    h.sort()
    return h[: len(h) - len(crossing)]


def _run_starts(a: np.ndarray) -> np.ndarray:
    """True where a sorted array holds a value for the first time."""
    first = np.empty(len(a), dtype=bool)
    first[:1] = True
    np.not_equal(a[1:], a[:-1], out=first[1:])
    return first


def _unique_sorted(a: np.ndarray) -> np.ndarray:
    """Drop repeats from a sorted array.

    NOTE: ``np.unique`` took 15-18 s on 12 M uint64 here (numpy 2.4) against 0.02 s for this.
    """
    return np.compress(_run_starts(a), a) if len(a) > 1 else a


def hash_shingles(texts: Sequence[str], *, k: int, seed: int = 0) -> ShingleSets:
    """Hash the distinct character k-shingles of every text.

    A text shorter than ``k`` characters has no shingles (an empty set).

    Args:
        texts: the texts, already normalised for matching.
        k: shingle size in characters.
        seed: changes every hash; the same seed gives the same keys on any machine.

    Returns:
        The shingle sets, document ``i`` being ``texts[i]``.

    Example:
        >>> hash_shingles(["汽车出口", "车"], k=2).sizes.tolist()
        [3, 0]
    """
    if len(texts) >= MAX_DOCS:
        raise ValueError(f"{len(texts)} texts: split the corpus below {MAX_DOCS} per call")
    # NOTE: one buffer sized for every window; each chunk's keys are written in place (a
    # list of parts and np.concatenate held both, ~150 MB at 20 000 articles). Pages past
    # the distinct keys are never touched, so they cost no memory.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    windows = int(np.maximum(lengths - k + 1, 0).sum())
    keys = np.empty(windows, dtype=np.uint64)
    n = 0
    for start, stop in chunk_bounds(texts):
        part = _chunk_keys(*text_codes(texts[start:stop]), start, k, seed)
        first = _run_starts(part)
        size = int(np.count_nonzero(first))
        np.compress(first, part, out=keys[n : n + size])  # distinct keys, written in place
        n += size
    keys = keys[:n]
    bounds = np.arange(len(texts) + 1, dtype=np.uint64) << _U64(HASH_BITS)
    offsets = np.searchsorted(keys, bounds).astype(np.int64)
    return ShingleSets(keys=keys, offsets=offsets)


def _borrow_order(num_perm: int, seed: int) -> np.ndarray:
    """For each bin, the fixed order in which an empty bin looks at other bins to borrow from."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(num_perm) for _ in range(num_perm)])


def _densify(sig: np.ndarray, seed: int) -> np.ndarray:
    """Fill empty bins of partly filled rows from non-empty bins (optimal densification).

    Every document uses the same borrowing order, so two documents agree on a filled bin with
    the same probability as on a real one. Works on the flat list of empty cells only
    (about 2% of all cells for a 500-character article and 128 bins), in place: only empty
    cells are written and only non-empty ones read, so no copy of ``sig`` is needed.
    """
    num_perm = sig.shape[1]
    empty = sig == EMPTY_SLOT
    partly = empty.any(axis=1) & ~empty.all(axis=1)
    rows, bins = np.nonzero(empty & partly[:, None])
    if not len(rows):
        return sig
    order = _borrow_order(num_perm, seed)
    for t in range(num_perm):
        src = order[bins, t]
        ok = ~empty[rows, src]
        sig[rows[ok], bins[ok]] = sig[rows[ok], src[ok]]
        rows, bins = rows[~ok], bins[~ok]
        if not len(rows):
            break
    return sig


def oph_signatures(sets: ShingleSets, *, num_perm: int, seed: int = 0) -> np.ndarray:
    """Return one-permutation MinHash signatures, one row of ``num_perm`` uint32 per document.

    Slot ``j`` holds the smallest hash among the document's shingles that fall in bin ``j``;
    empty bins are densified, so for two documents ``P(slot equal) ≈ Jaccard``. A document
    without shingles gets a row of :data:`EMPTY_SLOT`.

    Args:
        sets: shingle sets from :func:`hash_shingles`.
        num_perm: signature length; a power of two up to 256.
        seed: seed of the densification order.

    Returns:
        ``(n_docs, num_perm)`` uint32 array.

    Example:
        >>> sets = hash_shingles(["新能源汽车出口增长", "新能源汽车出口增长", "机器人"], k=2)
        >>> sig = oph_signatures(sets, num_perm=16)
        >>> bool((sig[0] == sig[1]).all()), bool((sig[0] == sig[2]).any())
        (True, False)
    """
    bin_bits = int(num_perm).bit_length() - 1
    if num_perm < 1 or 1 << bin_bits != num_perm or bin_bits > 8:
        raise ValueError(f"num_perm must be a power of two up to 256, got {num_perm}")
    value_bits = HASH_BITS - bin_bits
    sig = np.full(sets.n_docs * num_perm, EMPTY_SLOT, dtype=np.uint32)
    for lo in range(0, len(sets.keys), CHUNK_CHARS):  # chunks: temporaries stay in cache
        _bin_minima(sets.keys[lo : lo + CHUNK_CHARS], lo == 0, value_bits, sig)
    return _densify(sig.reshape(sets.n_docs, num_perm), seed)


def _bin_minima(keys: np.ndarray, at_start: bool, value_bits: int, sig: np.ndarray) -> None:
    """Write the minimum of each (doc, bin) run of sorted ``keys`` into flat ``sig``.

    Keys are sorted by (doc, bin, value), so a run's first key is its minimum. A run cut by a
    chunk boundary is written twice; the second value is never smaller, so keep the minimum.
    """
    grp = keys >> _U64(value_bits)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(grp[1:], grp[:-1], out=first[1:])
    # NOTE: ~1 key in 4 starts a run; on such masks keys[first] cost ~6x flatnonzero + take
    # here (numpy 2.4 boolean indexing branches per element).
    at = np.flatnonzero(first)
    values = (keys.take(at) & _U64((1 << value_bits) - 1)) >> _U64(value_bits - 32)
    values = np.minimum(values, _U64(EMPTY_SLOT - 1)).astype(np.uint32)
    slots = grp.take(at).astype(np.int64)
    if not at_start:
        values[0] = min(values[0], sig[slots[0]])
    sig[slots] = values


def band_keys(signatures: np.ndarray, *, bands: int, rows: int, first: int = 0) -> np.ndarray:
    """Hash each band of ``rows`` slots to one uint64 (band index mixed in).

    ``first``: the bands are ``first .. first + bands - 1`` (slots from ``first * rows``), so
    a group of bands hashes exactly as those bands do among all of them.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
        >>> k = band_keys(sig, bands=2, rows=2)
        >>> bool(k[0, 0] == k[1, 0]), bool(k[0, 1] == k[1, 1])
        (True, False)
        >>> bool((band_keys(sig, bands=1, rows=2, first=1)[:, 0] == k[:, 1]).all())
        True
    """
    if (first + bands) * rows > signatures.shape[1]:
        raise ValueError(f"{first + bands} bands x {rows} rows exceed {signatures.shape[1]} slots")
    n = signatures.shape[0]
    # Cast the contiguous array, then view the group's slots (no strided copy).
    s = signatures.astype(np.uint64)[:, first * rows : (first + bands) * rows].reshape(
        n, bands, rows
    )
    ids = np.arange(first + 1, first + bands + 1, dtype=np.uint64)
    h = np.broadcast_to(ids, (n, bands)).copy()
    for j in range(rows):
        h *= POLY_BASE
        h += s[:, :, j]
        h = mix64(h)
    return h


def _window_pairs(group: np.ndarray, members: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs of members that share a group id, at most ``max_bucket - 1`` positions apart."""
    out = []
    for d in range(1, max_bucket):
        if d >= len(group):
            break
        hit = np.flatnonzero(group[d:] == group[:-d])
        if not len(hit):
            break  # sorted groups: no pair at distance d means none further apart
        out.append(np.stack([members[hit], members[hit + d]], axis=1))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def unique_pairs(pairs: np.ndarray, n_docs: int) -> np.ndarray:
    """Return pairs as sorted unique rows ``(i, j)`` with ``i < j``; self-pairs dropped.

    Example:
        >>> unique_pairs(np.array([[3, 1], [1, 3], [2, 2], [0, 1]]), 4).tolist()
        [[0, 1], [1, 3]]
    """
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    lo = np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    hi = np.maximum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    code = lo[lo != hi] * n_docs + hi[lo != hi]
    code.sort()
    code = _unique_sorted(code)
    return np.stack([code // n_docs, code % n_docs], axis=1)


def band_candidates(
    signatures: np.ndarray,
    *,
    bands: int,
    rows: int,
    active: np.ndarray | None = None,
    max_bucket: int = MAX_BUCKET,
    first_band: int = 0,
) -> np.ndarray:
    """Return candidate pairs: documents equal on all slots of at least one band.

    Args:
        signatures: ``(n_docs, num_perm)`` from :func:`oph_signatures`.
        bands: number of bands.
        rows: slots per band (``bands * rows <= num_perm``).
        active: boolean mask of documents to consider (default: all with shingles).
        max_bucket: buckets larger than this pair each member with its next
            ``max_bucket - 1`` members only (see :data:`MAX_BUCKET`).
        first_band: the bands are ``first_band .. first_band + bands - 1``: the candidates
            of a group of bands (stage 02 over partitions joins groups of bands on workers;
            their union is the candidates of all the bands).

    Returns:
        ``(m, 2)`` int64 array of document indices, ``i < j``, sorted, unique.

    Example:
        >>> sets = hash_shingles(["小鹏汽车发布新车型", "小鹏汽车发布新车型号", "地平线芯片"], k=2)
        >>> sig = oph_signatures(sets, num_perm=32)
        >>> band_candidates(sig, bands=16, rows=2).tolist()
        [[0, 1]]
    """
    n = signatures.shape[0]
    ok = ~(signatures == EMPTY_SLOT).all(axis=1)
    if active is not None:
        ok &= active
    docs = np.flatnonzero(ok)
    # NOTE: the document index replaces the low DOC_BITS of each band hash, so one plain sort
    # (SIMD, ~8x faster than argsort here) groups the buckets and keeps the members. Two
    # different bands then collide with probability 2**-40, and a collision only adds a
    # candidate, which the exact check rejects.
    tagged = np.empty((len(docs), bands), dtype=np.uint64)
    for lo in range(0, len(docs), BATCH_ROWS):  # batches: no 10-20 MB temporaries
        part = docs[lo : lo + BATCH_ROWS]
        tagged[lo : lo + len(part)] = band_keys(
            signatures[part], bands=bands, rows=rows, first=first_band
        )
    tagged &= ~_U64(MAX_DOCS - 1)
    tagged |= docs.astype(np.uint64)[:, None]
    tagged = tagged.ravel()
    tagged.sort()
    keys, members = tagged >> _U64(DOC_BITS), (tagged & _U64(MAX_DOCS - 1)).astype(np.int64)
    # Keep only entries whose key occurs at least twice: most buckets hold one document.
    dup = np.zeros(len(keys), dtype=bool)
    if len(keys) > 1:
        same = keys[1:] == keys[:-1]
        dup[1:] |= same
        dup[:-1] |= same
    at = np.flatnonzero(dup)  # take, not keys[dup]: see _bin_minima
    pairs = _window_pairs(keys.take(at), members.take(at), max_bucket)
    return unique_pairs(pairs, n)


def estimate_jaccard(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Fraction of equal signature slots per pair (an estimate of Jaccard similarity).

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 5]], dtype=np.uint32)
        >>> estimate_jaccard(sig, np.array([[0, 1]])).tolist()
        [0.75]
    """
    out = np.empty(len(pairs))
    for lo in range(0, len(pairs), BATCH_ROWS):  # batches: no 10-20 MB temporaries
        a, b = pairs[lo : lo + BATCH_ROWS, 0], pairs[lo : lo + BATCH_ROWS, 1]
        out[lo : lo + len(a)] = (signatures[a] == signatures[b]).mean(axis=1)
    return out


def _ragged_take(offsets: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the keys of ``docs`` (concatenated) and each doc's count."""
    starts, counts = offsets[docs], offsets[docs + 1] - offsets[docs]
    total = int(counts.sum())
    if not total:
        return np.empty(0, dtype=np.int64), counts
    shift = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return np.arange(total, dtype=np.int64) + shift, counts


def overlap_counts(sets: ShingleSets, pairs: np.ndarray) -> np.ndarray:
    """Exact number of shingles shared by each pair of documents.

    Pairs are handled in batches. In a batch, the larger set of each pair, tagged with the
    pair, forms one small sorted haystack; the smaller set of each pair, tagged the same way,
    is looked up in it with one ``searchsorted``. NOTE: a haystack of the batch's own keys
    stays in cache; looking up in the global key array (9 M keys at 20 000 articles) was
    slower, and random-order lookups in it 30x slower (cache misses).

    Args:
        sets: shingle sets from :func:`hash_shingles`.
        pairs: ``(m, 2)`` document indices.

    Returns:
        int64 array of ``m`` intersection sizes.
    """
    if not len(pairs):
        return np.empty(0, dtype=np.int64)
    sizes = sets.sizes
    a, b = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    small_first = sizes[a] <= sizes[b]
    query = np.where(small_first, a, b)
    target = np.where(small_first, b, a)
    # Batches of about CHUNK_CHARS keys keep the temporaries small and reused.
    ends = np.cumsum(sizes[query] + sizes[target])
    cuts = np.searchsorted(ends, np.arange(CHUNK_CHARS, ends[-1], CHUNK_CHARS), side="right")
    bounds = sorted({0, len(pairs), *cuts.tolist()})
    out = np.empty(len(pairs), dtype=np.int64)
    for lo, hi in itertools.pairwise(bounds):
        out[lo:hi] = _lookup_counts(sets, query[lo:hi], target[lo:hi])
    return out


def _tagged_keys(sets: ShingleSets, docs: np.ndarray, tags: np.ndarray):
    """The keys of ``docs`` concatenated, their document bits replaced by each doc's tag."""
    idx, counts = _ragged_take(sets.offsets, docs)
    keys = sets.keys[idx]
    keys &= HASH_MASK
    keys |= np.repeat(tags, counts)
    return keys, counts


def _lookup_counts(sets: ShingleSets, query: np.ndarray, target: np.ndarray) -> np.ndarray:
    """How many of each query document's keys the matching target document has."""
    tags = np.arange(len(query), dtype=np.uint64) << _U64(HASH_BITS)
    haystack, _ = _tagged_keys(sets, target, tags)  # sorted: by pair, then hash
    needles, _ = _tagged_keys(sets, query, tags)
    if not len(haystack) or not len(needles):
        return np.zeros(len(query), dtype=np.int64)
    # Both are sorted and hold no repeat (ShingleSets keys are unique), so a shared key is
    # two equal neighbours once they are merged. NOTE: the stable sort (timsort) merges the
    # two sorted runs in one pass; a ``searchsorted`` of the needles took ~1.15x as long.
    both = np.concatenate((haystack, needles))
    both.sort(kind="stable")
    shared = both[1:][both[1:] == both[:-1]]
    shared >>= _U64(HASH_BITS)
    return np.bincount(shared.astype(np.int64), minlength=len(query))


def jaccard(sets: ShingleSets, pairs: np.ndarray, inter: np.ndarray) -> np.ndarray:
    """Jaccard similarity ``|A∩B| / |A∪B|`` of each pair from its intersection size.

    Example:
        >>> sets = hash_shingles(["汽车出口", "汽车进口"], k=2)
        >>> p = np.array([[0, 1]])
        >>> jaccard(sets, p, overlap_counts(sets, p)).round(2).tolist()
        [0.2]
    """
    sizes = sets.sizes
    union = sizes[pairs[:, 0]] + sizes[pairs[:, 1]] - inter
    return np.divide(inter, union, out=np.zeros(len(inter)), where=union > 0)


def containment(sets: ShingleSets, pairs: np.ndarray, inter: np.ndarray) -> np.ndarray:
    """Share of the smaller set found in the larger one, ``|A∩B| / min(|A|, |B|)``.

    Example:
        >>> sets = hash_shingles(["比亚迪海外销量大增", "比亚迪海外销量"], k=2)
        >>> p = np.array([[0, 1]])
        >>> containment(sets, p, overlap_counts(sets, p)).tolist()
        [1.0]
    """
    sizes = sets.sizes
    small = np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]])
    return np.divide(inter, small, out=np.zeros(len(inter)), where=small > 0)
