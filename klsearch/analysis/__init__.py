"""Danish analysis: normalise, tokenise, stop, stem.

:class:`Analyzer` is the chain used for both indexing and querying.
"""

from .analyzer import Analyzer, Expansion, Token
from .normalize import display_text, normalize
from .stem import stem
from .stopwords import danish_stop_words

__all__ = ["Analyzer", "Expansion", "Token", "danish_stop_words", "display_text", "normalize", "stem"]
