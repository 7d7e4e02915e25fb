"""Directory search: folding German text, building each person's search columns, and the query.

The same Python folding feeds both databases, so "Müller", "Mueller" and "muller" meet on
PostgreSQL and on SQLite alike. PostgreSQL then answers with its own tools: a full-text
prefix query on a GIN-indexed `tsvector` and pg_trgm word similarity for typos. SQLite
keeps a correct, simpler fallback: word-prefix matching on the folded column and the
Kölner Phonetik code of each name for typos.
"""

import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, FloatField, Q, QuerySet, Value, When

# German transliteration first, so both spellings of an umlaut can be stored. "ø" is
# written "oe" in German as often as "o" (Søren, Soeren, Soren).
TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ø": "oe", "Ø": "Oe"}
)
# Latin letters without a Unicode decomposition, which NFKD cannot take apart and the ASCII
# step would drop ("Łukasz" would become "ukasz"): as people type them on a German keyboard.
# Applied after NFKD, so "ǿ" (ø with acute) and "ǽ" (æ with acute) reach them too.
UNDECOMPOSABLE = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS",
        "æ": "ae", "Æ": "AE",
        "œ": "oe", "Œ": "OE",
        "ø": "o", "Ø": "O",
        "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D",
        "ð": "d", "Ð": "D",
        "þ": "th", "Þ": "TH",
        "ħ": "h", "Ħ": "H",
        "ŧ": "t", "Ŧ": "T",
        "ŋ": "ng", "Ŋ": "NG",
        "ı": "i",
        "ĸ": "k",
        "ƀ": "b", "Ƀ": "B",
        "ƒ": "f", "Ƒ": "F",
        "ǥ": "g", "Ǥ": "G",
        "ɨ": "i", "Ɨ": "I",
        "ƶ": "z", "Ƶ": "Z",
        "ə": "e", "Ə": "E", "ǝ": "e", "Ǝ": "E",
        "ɛ": "e", "Ɛ": "E",
        "ɔ": "o", "Ɔ": "O",
        "ȥ": "z", "Ȥ": "Z",
    }
)  # fmt: skip
WORD = re.compile(r"[0-9a-z]+")
MAX_TERMS = 6
MAX_TERM_LENGTH = 40


def strip_accents(text: str) -> str:
    """ASCII letters only: accents dropped ("é" → "e"), the letters above spelled out."""
    text = unicodedata.normalize("NFKD", text).translate(UNDECOMPOSABLE)
    return text.encode("ascii", "ignore").decode()


def fold_words(text: str) -> list[str]:
    """The words of `text`, lower-cased and in every spelling a searcher might type.

    "Müller" gives ["mueller", "muller"]; "Straße 3" gives ["strasse", "3"].
    """
    lowered = text.lower()
    words: list[str] = []
    for variant in (strip_accents(lowered.translate(TRANSLITERATION)), strip_accents(lowered)):
        for word in WORD.findall(variant):
            if word not in words:
                words.append(word)
    return words


def query_terms(query: str) -> list[str]:
    """Folded words of a search query, one spelling each (the accent-stripped one).

    "Amt 32" becomes the single token "amt32" that every member of Amt 32 carries, so the
    query does not have to intersect the word "amt", which every person has.
    """
    terms = WORD.findall(strip_accents(query.lower()))
    merged: list[str] = []
    for term in terms:
        if merged and merged[-1] == "amt" and term[:1].isdigit():
            merged[-1] = f"amt{term}"
        else:
            merged.append(term)
    return [term[:MAX_TERM_LENGTH] for term in merged][:MAX_TERMS]


# --- Kölner Phonetik (the German counterpart of Soundex), for typos on SQLite ---------------
_PHONETIC_SIMPLE = {
    **dict.fromkeys("aeijouy", "0"),
    "h": "",
    "b": "1",
    **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"),
    "l": "5",
    **dict.fromkeys("mn", "6"),
    "r": "7",
    **dict.fromkeys("sz", "8"),
}


def cologne_phonetic(word: str) -> str:
    word = strip_accents(word.lower().translate(TRANSLITERATION))
    word = "".join(ch for ch in word if ch.isalpha())
    codes: list[str] = []
    for index, ch in enumerate(word):
        before = word[index - 1] if index > 0 else ""
        after = word[index + 1] if index + 1 < len(word) else ""
        if ch in _PHONETIC_SIMPLE:
            code = _PHONETIC_SIMPLE[ch]
        elif ch == "p":
            code = "3" if after == "h" else "1"
        elif ch in "dt":
            code = "8" if after in "csz" else "2"
        elif ch == "x":
            code = "8" if before in "ckq" else "48"
        elif ch == "c":
            if index == 0:
                code = "4" if after in "ahkloqrux" else "8"
            elif before in "sz":
                code = "8"
            else:
                code = "4" if after in "ahkoqux" else "8"
        else:
            code = ""
        codes.append(code)
    collapsed: list[str] = []
    for code in codes:
        if code and (not collapsed or collapsed[-1] != code):
            collapsed.append(code)
        elif not code:
            collapsed.append("")
    result = "".join(collapsed)
    if not result:
        return ""
    return result[0] + result[1:].replace("0", "")


# --- The columns each person carries ----------------------------------------------------------
# The German names of the kinds: the search speaks the city's terms in every UI language.
KIND_WORDS = {
    "referat": "Referat",
    "amt": "Amt",
    "abteilung": "Abteilung",
    "sachgebiet": "Sachgebiet",
}


def unit_words(unit) -> list[str]:
    """Words that find a unit: number ("32", "amt 32"), name, other names, kind."""
    words: list[str] = []
    while unit is not None:
        words += [KIND_WORDS.get(unit.kind, ""), unit.number, unit.name, unit.also_known_as]
        if unit.kind == "amt" and unit.number:
            words.append(f"amt{unit.number}")
        unit = unit.parent
    return words


def phone_words(phone: str) -> list[str]:
    """The number as written, its digits run together and the extension on its own."""
    digits = re.sub(r"\D", "", phone)
    return [phone, digits] if digits else []


def unit_text(unit) -> str:
    return " ".join(word for word in unit_words(unit) if word)


def person_search_columns(person, *, public_topics: bool, unit_text: str | None = None) -> dict:
    """The derived search columns for one person; the unit chain must be loaded.

    Voluntary topics are only searchable when the person released them to everyone:
    a match on a hidden field would reveal it.
    """
    names = fold_words(f"{person.first_name} {person.last_name}")
    parts = [
        person.first_name,
        person.last_name,
        person.function,
        person.room,
        person.responsibilities,
        *phone_words(person.phone),
        person.email.split("@", 1)[0],
        unit_text if unit_text is not None else " ".join(unit_words(person.unit)),
    ]
    if public_topics:
        parts.append(person.topics)
    document = fold_words(" ".join(part for part in parts if part))
    phonetic = {cologne_phonetic(word) for word in names} - {""}
    return {
        "search_document": " " + " ".join(document) + " ",
        "search_names": " ".join(names),
        "search_phonetic": " " + " ".join(sorted(phonetic)) + " ",
    }


def search_statistics_refresh() -> None:
    """PostgreSQL: after bulk loads, refresh the planner's statistics for the search."""
    if settings.IS_POSTGRES:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_person")


# --- The query -------------------------------------------------------------------------------
def _rank(terms: list[str]):
    """Cheap ranking on the short name column: a name starting with the first term comes
    first, then a name containing a word with that prefix, then any other match."""
    first = terms[0]
    return Case(
        When(search_names__startswith=first, then=Value(3.0)),
        When(search_names__contains=f" {first}", then=Value(2.0)),
        When(search_document__contains=f" {first}", then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _sqlite_search(queryset: QuerySet, *, terms: list[str]) -> QuerySet:
    matches = Q()
    for term in terms:
        matches &= Q(search_document__contains=f" {term}")
    if len(terms) == 1 and len(terms[0]) >= 4 and terms[0].isalpha():
        code = cologne_phonetic(terms[0])
        if code:
            matches |= Q(search_phonetic__contains=f" {code} ")
    return (
        queryset.filter(matches)
        .annotate(search_rank=_rank(terms))
        .order_by("-search_rank", "last_name", "first_name", "pk")
    )


def person_search_ids(*, query: str, limit: int) -> list[int]:
    """The ids of the best `limit` active matches, in rank order.

    On PostgreSQL each branch of the UNION ranks its own rows while it has them, so the
    database neither re-reads the matches by id nor ranks rows twice.
    """
    from directory.models import Person

    terms = query_terms(query)
    if not terms:
        return []
    if not settings.IS_POSTGRES:
        active = Person.objects.filter(is_active=True)
        return list(_sqlite_search(active, terms=terms).values_list("pk", flat=True)[:limit])
    columns = ("pk", "search_rank", "last_name", "first_name")
    prefix = SearchQuery(
        " & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple"
    )
    ranked = (
        Person.objects.filter(is_active=True, search_vector=prefix)
        .annotate(search_rank=_rank(terms))
        .order_by()
        .values_list(*columns)
    )
    if len(terms) == 1 and len(terms[0]) >= 4 and terms[0].isalpha():
        ranked = ranked.union(
            Person.objects.filter(is_active=True, search_names__trigram_word_similar=terms[0])
            .annotate(search_rank=_rank(terms))
            .order_by()
            .values_list(*columns)
        )
    ranked = ranked.order_by("-search_rank", "last_name", "first_name", "pk")
    return [row[0] for row in ranked[:limit]]
