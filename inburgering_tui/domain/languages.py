"""The languages a person may speak, as codes: the curated list, and old free text read as codes.

Codes are ISO 639-1 where one exists, else ISO 639-3 (``prs`` Dari, ``ckb`` Sorani, ``tig``
Tigre). Names are shown in the UI language where they are shown (i18n/catalogs.py
``language_name``); this module only knows which codes exist and which written names mean them,
so a koppelingen list saying "Arabisch" or an old case saying "Tigrinya" is read as a code.
"""

from __future__ import annotations

import re
import unicodedata

from inburgering_tui.i18n.markers import N_

# The languages newcomers to the Netherlands speak, each with the names people write for it:
# Dutch, English, the language's own name and common spellings. A name listed under two codes
# would be ambiguous; tests/test_languages.py keeps every name under one code only. Names that
# stand for several languages ("Berbers", "Tamazight", "Eritrees") are left out on purpose:
# they stay as typed and ask the consultant to choose.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "aa": ("Afar", "Qafar", "aar"),
    "aii": ("Assyrisch", "Assyrian", "Assyrisch Neo-Aramees", "Assyrian Neo-Aramaic", "Sureth"),
    "am": ("Amhaars", "Amharic", "Amhaarse", "አማርኛ", "amh"),
    "ar": ("Arabisch", "Arabic", "Arabische", "العربية", "عربي", "ara"),
    "ary": ("Marokkaans Arabisch", "Moroccan Arabic", "Darija"),
    "az": ("Azerbeidzjaans", "Azerbaijani", "Azeri", "Azərbaycan", "aze"),
    "be": ("Belarussisch", "Wit-Russisch", "Belarusian", "Беларуская", "bel"),
    "bg": ("Bulgaars", "Bulgarian", "Български", "bul"),
    "bn": ("Bengaals", "Bengali", "Bangla", "বাংলা", "ben"),
    "bs": ("Bosnisch", "Bosnian", "Bosanski", "bos"),
    "byn": ("Blin", "Bilen", "ብሊን"),
    "ckb": (
        "Sorani",
        "Soranî",
        "Centraal-Koerdisch",
        "Central Kurdish",
        "کوردیی ناوەندی",
        "سۆرانی",
    ),
    "de": ("Duits", "German", "Deutsch", "deu", "ger"),
    "el": ("Grieks", "Greek", "Ελληνικά", "ell", "gre"),
    "en": ("Engels", "English", "eng"),
    "es": ("Spaans", "Spanish", "Español", "spa"),
    "fa": ("Perzisch", "Farsi", "Persian", "فارسی", "fas", "per"),
    "ff": ("Fulah", "Fula", "Fulani", "Peul", "Fulfulde", "ful"),
    "fil": ("Filipijns", "Filipino"),
    "fr": ("Frans", "French", "Français", "fra", "fre"),
    "ha": ("Hausa", "hau"),
    "he": ("Hebreeuws", "Hebrew", "עברית", "heb"),
    "hi": ("Hindi", "हिन्दी", "hin"),
    "hr": ("Kroatisch", "Croatian", "Hrvatski", "hrv"),
    "hu": ("Hongaars", "Hungarian", "Magyar", "hun"),
    "hy": ("Armeens", "Armenian", "Հայերեն", "hye", "arm"),
    "id": ("Indonesisch", "Indonesian", "Bahasa Indonesia", "ind"),
    "ig": ("Igbo", "ibo"),
    "it": ("Italiaans", "Italian", "Italiano", "ita"),
    "ja": ("Japans", "Japanese", "日本語", "jpn"),
    "ka": ("Georgisch", "Georgian", "ქართული", "kat", "geo"),
    "kab": ("Kabylisch", "Kabyle", "Taqbaylit"),
    "km": ("Khmer", "Cambodjaans", "ខ្មែរ", "khm"),
    "ko": ("Koreaans", "Korean", "한국어", "kor"),
    "ku": (
        "Koerdisch",
        "Kurdish",
        "Kurmanji",
        "Kurmancî",
        "Kurdî",
        "Noord-Koerdisch",
        "kur",
        "kmr",
    ),
    "ln": ("Lingala", "Lingála", "lin"),
    "mk": ("Macedonisch", "Macedonian", "Македонски", "mkd", "mac"),
    "mn": ("Mongools", "Mongolian", "Монгол", "mon"),
    "my": ("Birmaans", "Burmese", "မြန်မာ", "mya", "bur"),
    "ne": ("Nepalees", "Nepali", "नेपाली", "nep"),
    "nl": ("Nederlands", "Dutch", "Vlaams", "nld", "dut"),
    "om": ("Oromo", "Afaan Oromo", "Afaan Oromoo", "Oromiffa", "orm"),
    "pa": ("Punjabi", "Panjabi", "ਪੰਜਾਬੀ", "pan"),
    "pl": ("Pools", "Polish", "Polski", "pol"),
    "prs": ("Dari", "Dari-Perzisch", "Afghaans Perzisch", "دری", "fa-AF"),
    "ps": ("Pasjtoe", "Pashto", "Pashtu", "Pasjtoes", "پښتو", "pus"),
    "pt": ("Portugees", "Portuguese", "Português", "por"),
    "rif": ("Riffijns", "Tarifit", "Riffian", "Tarifiyt"),
    "rn": ("Kirundi", "Rundi", "Ikirundi", "run"),
    "ro": ("Roemeens", "Romanian", "Română", "ron", "rum"),
    "ru": ("Russisch", "Russian", "Русский", "rus"),
    "rw": ("Kinyarwanda", "Rwandees", "kin"),
    "shi": ("Tashelhiyt", "Tachelhit", "Tashelhit", "Tasjelhiet"),
    "si": ("Singalees", "Sinhala", "Sinhalese", "සිංහල", "sin"),
    "so": ("Somalisch", "Somali", "Soomaali", "Af-Soomaali", "som"),
    "sq": ("Albanees", "Albanian", "Shqip", "sqi", "alb"),
    "sr": ("Servisch", "Serbian", "Srpski", "Српски", "srp"),
    "sw": ("Swahili", "Kiswahili", "swa"),
    "ta": ("Tamil", "தமிழ்", "tam"),
    "tg": ("Tadzjieks", "Tajik", "Тоҷикӣ", "tgk"),
    "th": ("Thai", "Thais", "ไทย", "tha"),
    "ti": ("Tigrinya", "Tigrinia", "Tigrinja", "ትግርኛ", "tir"),
    "tig": ("Tigre", "Tigré", "ትግረ"),
    "tk": ("Turkmeens", "Turkmen", "Türkmen", "tuk"),
    "tl": ("Tagalog", "tgl"),
    "tr": ("Turks", "Turkish", "Türkçe", "tur"),
    "ug": ("Oeigoers", "Uyghur", "Uighur", "ئۇيغۇرچە", "uig"),
    "uk": ("Oekraïens", "Ukrainian", "Українська", "ukr"),
    "ur": ("Urdu", "اردو", "urd"),
    "uz": ("Oezbeeks", "Uzbek", "Oʻzbek", "uzb"),
    "vi": ("Vietnamees", "Vietnamese", "Tiếng Việt", "vie"),
    "wo": ("Wolof", "wol"),
    "yo": ("Yoruba", "Yorùbá", "yor"),
    "yue": ("Kantonees", "Cantonese", "粵語"),
    "zgh": ("Standaard Marokkaanse Tamazight", "Standard Moroccan Tamazight", "ⵜⴰⵎⴰⵣⵉⵖⵜ"),
    "zh": ("Chinees", "Chinese", "Mandarijn", "Mandarin", "中文", "zho", "chi"),
}

LANGUAGE_CODES: tuple[str, ...] = tuple(LANGUAGES)

# Listed first where a search matches several (Tigrinya before Tigre): the languages most
# people at a brede intake speak (asylum and family migration to the Netherlands).
COMMON: tuple[str, ...] = (
    "ar", "ti", "prs", "fa", "so", "tr", "ps", "am", "ckb", "ku", "uk", "ru", "en", "fr",
)  # fmt: skip

# Names for codes Babel has no name for in the UI language (Dutch msgids, translated when shown).
FALLBACK_NAMES: dict[str, str] = {
    "prs": N_("Dari"),
    "aii": N_("Assyrisch (Neo-Aramees)"),
}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "Oekraïens " and "oekraiens" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", " ", plain.replace("_", "-"))


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in LANGUAGES.items():
        for name in (code, *names):
            index[fold(name)] = code
    return index


_BY_NAME = _index()
_REGION = re.compile(r"^([a-z]{2,3})[-_ ][a-z]{2,4}$")


def language_code(text: str) -> str | None:
    """The code ``text`` names ("ar", "ARA", "Arabisch", "العربية", "ar-SY"), None when unknown."""
    key = fold(text)
    if not key:
        return None
    found = _BY_NAME.get(key)
    if found is not None:
        return found
    # A code with a region or script ("ar-SY", "pt_BR") names the language itself, unless
    # the pair is listed as a language of its own above ("fa-AF" is Dari).
    match = _REGION.match(key)
    if match and match.group(1) in LANGUAGES:
        return match.group(1)
    return None


def is_language_code(value: str) -> bool:
    return value in LANGUAGES


def normalise_languages(values: list[str]) -> tuple[list[str], list[str]]:
    """(the values with every recognised name made its code, the values left unrecognised).

    Order is kept and a language named twice ("ar", "Arabisch") is kept once.
    """
    result: list[str] = []
    unknown: list[str] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        code = language_code(text)
        item = code or text
        if code is None:
            unknown.append(text)
        if item not in result:
            result.append(item)
    return result, unknown


def first_language(values: list[str], default: str = "nl") -> str:
    """The first of a person's languages that is a known code (old free text read as one)."""
    codes, unknown = normalise_languages(values)
    return next((code for code in codes if code not in unknown), default)
