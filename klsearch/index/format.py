"""Names and constants of the on-disk format (documented in docs/index-format.md)."""

from __future__ import annotations

FORMAT_NAME = "klsearch-index"
FORMAT_VERSION = 2

MANIFEST = "manifest.json"
SEGMENTS_DIR = "segments"
LOCK = "write.lock"
SEGMENT_META = "segment.json"

# Arrays of one segment, by role. Every one is a .npy file in the segment folder.
TERMS_BLOB = "terms.blob.npy"  # uint8: sorted terms, UTF-8, concatenated
TERMS_OFFSETS = "terms.offsets.npy"  # uint [terms+1]
POSTINGS_START = "postings.start.npy"  # int64 [terms+1]: range of each term in the postings arrays
POSTINGS_DOCS = "postings.docs.npy"  # uint16/uint32 [postings]: doc numbers, ascending per term
POSTINGS_TF = "postings.tf.npy"  # uint [postings]: occurrences in title + body
POSTINGS_IN_TITLE = "postings.in_title.npy"  # uint: the postings whose term is in the title, ascending
POSTINGS_TF_TITLE = "postings.tf_title.npy"  # uint: occurrences in the title of those postings
POSITIONS_START = "positions.start.npy"  # int64 [terms+1]: range of each term in positions
POSITIONS = "positions.npy"  # uint: positions; body positions follow the title's after a gap
WORDS_BLOB = "words.blob.npy"  # uint8: sorted surface words (for prefix queries)
WORDS_OFFSETS = "words.offsets.npy"  # uint [words+1]
WORDS_TERM = "words.term.npy"  # int32 [words]: the term each surface word indexes
TITLE_LEN = "docs.title_len.npy"  # uint: field length in positions
BODY_LEN = "docs.body_len.npy"
CATEGORY = "docs.category.npy"  # int16: code into segment.json "category", -1 when missing
SECTION = "docs.section.npy"  # int16: code into segment.json "section", -1 when missing
YEAR = "docs.year.npy"  # int16: 0 when missing
DATE = "docs.date.npy"  # int32: days since 1970-01-01, DATE_MISSING when missing
STORED_BLOB = "stored.blob.npy"  # uint8: zlib blocks, each the JSON of consecutive documents
STORED_BLOCKS = "stored.blocks.npy"  # uint [blocks+1]: range of each block in the blob
STORED_BLOCK_DOCS = "stored.block_docs.npy"  # uint [blocks+1]: first document of each block
STORED_OFFSETS = "stored.offsets.npy"  # uint [docs+1]: range of each document in the decompressed blocks
IDS_BLOB = "docs.ids.blob.npy"  # uint8: document ids in document order, UTF-8
IDS_OFFSETS = "docs.ids.offsets.npy"  # uint [docs+1]
DOC_HASH = "docs.hash.npy"  # uint64: hash of the stored document (unchanged documents are not rewritten)

ARRAY_FILES = (
    TERMS_BLOB, TERMS_OFFSETS, POSTINGS_START, POSTINGS_DOCS, POSTINGS_TF, POSTINGS_IN_TITLE, POSTINGS_TF_TITLE,
    POSITIONS_START, POSITIONS, WORDS_BLOB, WORDS_OFFSETS, WORDS_TERM,
    TITLE_LEN, BODY_LEN, CATEGORY, SECTION, YEAR, DATE, STORED_BLOB, STORED_BLOCKS, STORED_BLOCK_DOCS, STORED_OFFSETS,
    IDS_BLOB, IDS_OFFSETS, DOC_HASH,
)

# Deletions of a segment, written by later commits beside the segment folder:
# segments/<segment>.del-<generation>.npy, a bit per document (numpy.packbits).
DELETES_SUFFIX = ".del-"

DATE_MISSING = -(2**31)
# Positions between the title and the body, so no phrase spans the two fields.
FIELD_GAP = 1
FACET_FIELDS = ("category", "section", "year")
