"""Merge segments into one without analysing their documents again.

Term dictionaries are united, postings renumbered (deleted documents
dropped) and re-sorted by term with one stable sort: segments are taken in
document order, so each term's postings stay in document order. Positions
are gathered in the new order with a vectorised pass; stored documents are
carried over block by block.
"""

from __future__ import annotations

import numpy as np

from . import format as fmt
from .segment_reader import SegmentReader
from .segment_writer import postings_file_arrays
from .storage import narrow
from .stored import carry_over
from .strings import encode_strings


def merge_segments(segments: list[SegmentReader], deleted: list[np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Arrays and metadata of one segment holding the live documents of ``segments``."""
    renumber, base = [], 0
    for mask in deleted:
        live = np.flatnonzero(~mask)
        new = np.full(len(mask), -1, dtype=np.int64)
        new[live] = base + np.arange(len(live))
        renumber.append(new)
        base += len(live)

    seg_terms = [[seg.terms[i] for i in range(len(seg.terms))] for seg in segments]
    all_terms = sorted(set().union(*seg_terms))
    term_index = {t: i for i, t in enumerate(all_terms)}

    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("term", "doc", "tf", "tf_title", "pos_from")}
    positions_all, pos_base = [], 0
    for seg, terms, new in zip(segments, seg_terms, renumber):
        remap = np.array([term_index[t] for t in terms], dtype=np.int64)
        term_of = np.repeat(remap, np.diff(seg.postings_start))
        tf = seg.postings_tf.astype(np.int64)
        pos_from = np.cumsum(tf) - tf + pos_base
        docs = new[seg.postings_docs]
        keep = docs >= 0
        for key, values in (("term", term_of), ("doc", docs), ("tf", tf), ("tf_title", seg.postings_tf_title), ("pos_from", pos_from)):
            parts[key].append(values[keep])
        positions_all.append(seg.positions)
        pos_base += len(seg.positions)

    term = np.concatenate(parts["term"])
    order = np.argsort(term, kind="stable")
    term, doc = term[order], np.concatenate(parts["doc"])[order]
    tf = np.concatenate(parts["tf"])[order]
    tf_title = np.concatenate(parts["tf_title"]).astype(np.int64)[order]
    pos_from = np.concatenate(parts["pos_from"])[order]
    positions = _gather(np.concatenate([p.astype(np.int64) for p in positions_all]), pos_from, tf)

    present = np.unique(term)  # terms whose every document was deleted drop out
    compact = np.full(len(all_terms), -1, dtype=np.int64)
    compact[present] = np.arange(len(present))
    term = compact[term]
    post_start = np.searchsorted(term, np.arange(len(present) + 1)).astype(np.int64)
    pos_start = np.concatenate(([0], np.cumsum(tf)))[post_start].astype(np.int64)

    words: set[tuple[str, int]] = set()
    for seg, terms in zip(segments, seg_terms):
        word_terms = seg.word_terms.tolist()
        for i in range(len(seg.words)):
            new_term = int(compact[term_index[terms[word_terms[i]]]])
            if new_term >= 0:
                words.add((seg.words[i], new_term))
    sorted_words = sorted(words)

    arrays = postings_file_arrays(
        [all_terms[i] for i in present.tolist()], post_start, doc, tf, tf_title, pos_start, positions, sorted_words
    )
    meta = _document_arrays(segments, deleted, arrays)
    return arrays, meta


def _gather(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``values[starts[i]:starts[i]+counts[i]]`` for every i, concatenated."""
    ends = np.cumsum(counts)
    flat = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(ends - counts - starts, counts)
    return values[flat]


def _document_arrays(
    segments: list[SegmentReader], deleted: list[np.ndarray], arrays: dict[str, np.ndarray]
) -> dict[str, object]:
    lives = [~mask for mask in deleted]

    def column(get) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.concatenate([get(seg)[live] for seg, live in zip(segments, lives)])

    meta: dict[str, object] = {"docs": int(sum(int(live.sum()) for live in lives))}
    for facet, code_file in (("category", fmt.CATEGORY), ("section", fmt.SECTION)):
        values = sorted({v for seg in segments for v in getattr(seg, f"{facet}_values")})
        index = {v: i for i, v in enumerate(values)}
        codes = []
        for seg, live in zip(segments, lives):
            remap = np.array([index[v] for v in getattr(seg, f"{facet}_values")] + [-1], dtype=np.int16)
            codes.append(remap[getattr(seg, facet)[live]])  # code -1 picks the appended -1
        arrays[code_file] = np.concatenate(codes).astype(np.int16)
        meta[facet] = values
    title_len = column(lambda s: s.title_len.astype(np.int64))
    body_len = column(lambda s: s.body_len.astype(np.int64))
    arrays[fmt.TITLE_LEN] = narrow(title_len)
    arrays[fmt.BODY_LEN] = narrow(body_len)
    arrays[fmt.YEAR] = column(lambda s: s.year).astype(np.int16)
    arrays[fmt.DATE] = column(lambda s: s.date).astype(np.int32)
    arrays[fmt.DOC_HASH] = column(lambda s: s.hashes).astype(np.uint64)
    arrays.update(carry_over([(seg.stored, live) for seg, live in zip(segments, lives)]))
    ids = [doc_id for seg, live in zip(segments, lives) for doc_id, kept in zip(seg.ids(), live.tolist()) if kept]
    arrays[fmt.IDS_BLOB], arrays[fmt.IDS_OFFSETS] = encode_strings(ids)
    meta["title_len_sum"] = int(title_len.sum())
    meta["body_len_sum"] = int(body_len.sum())
    return meta
