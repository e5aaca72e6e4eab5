"""Search keys for Chinese names: NFKC, no spaces, traditional → simplified, toneless pinyin and initials.

`zsf` finds 张三丰 and homophones meet on the same pinyin key (architecture §6)."""

import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_to_simplified = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    folded = "".join(unicodedata.normalize("NFKC", name).split())
    return _to_simplified.convert(folded).lower()


@lru_cache(maxsize=65536)
def search_keys(name: str) -> tuple[str, str, str]:
    """(normalised name, full toneless pinyin, pinyin initials), all lower-case ASCII beyond the name."""
    normalised = normalise_name(name)
    syllables = lazy_pinyin(normalised, style=Style.NORMAL, errors="default")
    pinyin = "".join(syllables).replace("ü", "v")
    initials = "".join(s[0] for s in syllables if s)
    return normalised, pinyin, initials
