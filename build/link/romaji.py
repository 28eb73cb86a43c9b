"""Hiragana readings in modified Hepburn, as Japanese governments write their names in English.

Long vowels are written without macrons and without their second vowel (とうきょう → Tokyo,
おおいた → Oita, ちゅうおう → Chuo), ``ei`` and ``ii`` are kept (えいへいじ → Eiheiji,
いいだ → Iida), ん is ``n`` (an apostrophe before a vowel or y: かんおんじ → Kan'onji) and
っ doubles the next consonant (``tch`` before ``ch``: さっぽろ → Sapporo).
"""

from __future__ import annotations

_VOWELS = "aiueo"
_ROWS = {
    "": "あいうえお",
    "k": "かきくけこ",
    "g": "がぎぐげご",
    "s": "さしすせそ",
    "z": "ざじずぜぞ",
    "t": "たちつてと",
    "d": "だぢづでど",
    "n": "なにぬねの",
    "h": "はひふへほ",
    "b": "ばびぶべぼ",
    "p": "ぱぴぷぺぽ",
    "m": "まみむめも",
    "r": "らりるれろ",
}
_IRREGULAR = {
    "し": "shi",
    "じ": "ji",
    "ち": "chi",
    "ぢ": "ji",
    "つ": "tsu",
    "づ": "zu",
    "ふ": "fu",
    "や": "ya",
    "ゆ": "yu",
    "よ": "yo",
    "わ": "wa",
    "ゐ": "i",
    "ゑ": "e",
    "を": "o",
    "ゔ": "vu",
}
#: One kana to its syllable.
SYLLABLES: dict[str, str] = {
    **{
        kana: consonant + vowel
        for consonant, row in _ROWS.items()
        for kana, vowel in zip(row, _VOWELS, strict=True)
    },
    **_IRREGULAR,
}
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_PALATAL = {"し": "sh", "じ": "j", "ち": "ch", "ぢ": "j"}


def _syllables(kana: str) -> list[str]:
    """The syllables of ``kana``: a kana with its small ゃゅょ is one (きょ → kyo);
    っ and ん are kept as themselves for :func:`hepburn` to resolve."""
    out: list[str] = []
    for i, char in enumerate(kana):
        if char in _SMALL_Y:
            continue
        if char not in SYLLABLES and char not in "っん":
            raise ValueError(f"not a hiragana reading: {kana!r} ({char!r})")
        small = kana[i + 1 : i + 2]
        if small in _SMALL_Y and char in SYLLABLES:
            out.append(_PALATAL.get(char, SYLLABLES[char][:-1] + "y") + _SMALL_Y[small])
        else:
            out.append(SYLLABLES.get(char, char))
    return out


def hepburn(kana: str) -> str:
    """``kana`` (hiragana, no spaces) in lower-case modified Hepburn, long vowels shortened."""
    syllables = _syllables(kana)
    out: list[str] = []
    previous = ""
    for i, syllable in enumerate(syllables):
        following = syllables[i + 1] if i + 1 < len(syllables) else ""
        if syllable == "っ":
            out.append("t" if following.startswith("ch") else following[:1])
        elif syllable == "ん":
            out.append("n'" if following[:1] in f"{_VOWELS}y" and following else "n")
        elif not _long_vowel(previous, syllable):
            out.append(syllable)
        previous = syllable
    return "".join(out)


def _long_vowel(previous: str, syllable: str) -> bool:
    """Whether ``syllable`` only lengthens the vowel before it (おう, おお, うう)."""
    return (syllable == "u" and previous[-1:] in ("o", "u")) or (
        syllable == "o" and previous[-1:] == "o"
    )


def romanise(kana: str) -> str:
    """``kana`` in Hepburn with a capital initial: さっぽろ → Sapporo."""
    return hepburn(kana).capitalize()
