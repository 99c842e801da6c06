"""Host countries of the genre and their IANA time zones.

Countries with several zones use the capital's, unless the host city is known
(a meeting in Cancún is not on Mexico City time).
"""

from __future__ import annotations

from .lexicon import fold

_COUNTRIES: dict[str, tuple[str, ...]] = {
    "America/Mexico_City": ("mexico", "mejico", "estados unidos mexicanos"),
    "America/Guatemala": ("guatemala",),
    "America/Belize": ("belize", "belice"),
    "America/El_Salvador": ("el salvador",),
    "America/Tegucigalpa": ("honduras",),
    "America/Managua": ("nicaragua",),
    "America/Costa_Rica": ("costa rica",),
    "America/Panama": ("panama",),
    "America/Santo_Domingo": ("dominican republic", "republica dominicana"),
    "America/Havana": ("cuba",),
    "America/Port-au-Prince": ("haiti",),
    "America/Jamaica": ("jamaica",),
    "America/Puerto_Rico": ("puerto rico",),
    "America/Nassau": ("bahamas", "the bahamas"),
    "America/Barbados": ("barbados",),
    "America/Port_of_Spain": ("trinidad and tobago", "trinidad y tobago"),
    "America/Guyana": ("guyana",),
    "America/Paramaribo": ("suriname", "surinam"),
    "America/Bogota": ("colombia",),
    "America/Caracas": ("venezuela",),
    "America/Guayaquil": ("ecuador",),
    "America/Lima": ("peru",),
    "America/La_Paz": ("bolivia",),
    "America/Santiago": ("chile",),
    "America/Argentina/Buenos_Aires": ("argentina",),
    "America/Montevideo": ("uruguay",),
    "America/Asuncion": ("paraguay",),
    "America/Sao_Paulo": ("brazil", "brasil"),
    "America/Toronto": ("canada",),
    "America/New_York": (
        "united states",
        "united states of america",
        "usa",
        "u.s.a.",
        "us",
        "u.s.",
        "estados unidos",
        "estados unidos de america",
        "ee.uu.",
        "eeuu",
        "ee. uu.",
    ),
    "Europe/Madrid": ("spain", "espana"),
    "Europe/Lisbon": ("portugal",),
    "Europe/Paris": ("france", "francia"),
    "Europe/Zurich": ("switzerland", "suiza"),
    "Europe/Brussels": ("belgium", "belgica"),
    "Europe/Vienna": ("austria",),
    "Europe/Rome": ("italy", "italia"),
    "Europe/Berlin": ("germany", "alemania"),
    "Europe/Amsterdam": ("netherlands", "the netherlands", "paises bajos", "holanda"),
    "Europe/London": ("united kingdom", "uk", "reino unido"),
    "Africa/Nairobi": ("kenya",),
    "Africa/Casablanca": ("morocco", "marruecos"),
}
COUNTRY_TIMEZONES: dict[str, str] = {
    name: zone for zone, names in _COUNTRIES.items() for name in names
}

# Host cities that are not on their country's capital time.
CITY_TIMEZONES: dict[str, str] = {
    "cancun": "America/Cancun",
    "tijuana": "America/Tijuana",
    "hermosillo": "America/Hermosillo",
    "los angeles": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "vancouver": "America/Vancouver",
    "las palmas de gran canaria": "Atlantic/Canary",
    "santa cruz de tenerife": "Atlantic/Canary",
}

# Countries whose names contain a connective, so a lead list must not be split inside them.
COMPOUND_NAMES = tuple(
    sorted(
        [name for name in COUNTRY_TIMEZONES if " and " in name or " y " in name]
        + [
            "antigua and barbuda",
            "antigua y barbuda",
            "saint kitts and nevis",
            "san cristobal y nieves",
            "saint vincent and the grenadines",
            "san vicente y las granadinas",
            "bosnia and herzegovina",
            "turks and caicos",
            "sao tome and principe",
            "santo tome y principe",
        ],
        key=len,
        reverse=True,
    )
)


def country_timezone(country: str | None, city: str | None = None) -> str | None:
    """The IANA zone of a host place, or None when the country is not in the table."""
    if city and fold(city).strip() in CITY_TIMEZONES:
        return CITY_TIMEZONES[fold(city).strip()]
    if not country:
        return None
    return COUNTRY_TIMEZONES.get(fold(country).strip().rstrip("."))


def is_country(text: str) -> bool:
    return fold(text).strip().rstrip(".") in COUNTRY_TIMEZONES
