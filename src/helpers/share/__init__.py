"""Stages 04-06: share tables, conflicts, reference cross-checks and their data checks."""
