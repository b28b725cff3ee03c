"""Normalisation and syntax checks for contact data (no leadkit imports).

Kept free of the model so the model's converters and `leadkit.contact`
share one implementation.
"""

from __future__ import annotations

import re

# Pragmatic address syntax: what mail providers actually accept, not the
# whole of RFC 5322 (quoted local parts and IP-literal domains are refused).
_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z")
_TLD = re.compile(r"[a-z]{2,63}\Z|xn--[a-z0-9-]{1,59}\Z")
_PHONE_ALLOWED = re.compile(r"\+?[0-9 ().\-/]+\Z")
_TRUNK = re.compile(r"\(\s*0\s*\)")

MIN_PHONE_DIGITS = 7
"""Shortest phone number accepted (local numbers without area code are not reachable)."""
MAX_PHONE_DIGITS = 15
"""Longest phone number accepted: the E.164 maximum."""

ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a block of codes reads better than 249 quoted strings
)
"""The 249 officially assigned ISO 3166-1 alpha-2 country codes."""


def normalize_email(email: str) -> str:
    """Trim surrounding whitespace and lower-case an email address.

    The whole address is lower-cased: the local part is case-sensitive in
    theory, but no mainstream provider treats it so, and duplicates from
    bought lists differ mostly in case.
    """
    return email.strip().lower()


def is_valid_domain(domain: str) -> bool:
    """True for a lower-case DNS name with at least two labels and an alphabetic TLD."""
    if len(domain) > 253:
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not _TLD.match(labels[-1]):
        return False
    return all(_LABEL.match(label) for label in labels)


def is_valid_email(email: str) -> bool:
    """True when a *normalised* address has valid syntax (``local@domain.tld``)."""
    if len(email) > 254 or email.count("@") != 1:
        return False
    local, domain = email.split("@")
    return 0 < len(local) <= 64 and bool(_LOCAL.match(local)) and is_valid_domain(domain)


def normalize_phone(phone: str) -> str:
    """Reduce a phone number to its digits, keeping a leading ``+`` country code.

    Spaces, dots, dashes, slashes and brackets are dropped; an international
    ``00`` prefix becomes ``+``; a ``(0)`` trunk prefix after a country code
    (``+49 (0)30 …``) is removed. Text that is not a phone number (letters,
    extensions) is returned trimmed but otherwise unchanged, so validation
    can report it as it was written.
    """
    text = phone.strip()
    if not _PHONE_ALLOWED.match(text):
        return text
    international = text.startswith("+")
    if international:
        text = _TRUNK.sub("", text)
    digits = "".join(ch for ch in text if ch.isdigit())
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    return f"+{digits}" if international else digits


def is_valid_phone(phone: str) -> bool:
    """True when a *normalised* number is 7 to 15 digits, optionally after ``+``.

    A country code never starts with 0, and a normalised national number
    never starts with ``00`` (that prefix is rewritten to ``+``).
    """
    international = phone.startswith("+")
    digits = phone[1:] if international else phone
    return (
        digits.isascii()
        and digits.isdigit()
        and MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS
        and not digits.startswith("0" if international else "00")
    )


def normalize_domain(domain: str) -> str:
    """Lower-case a company domain and strip a scheme, ``www.`` and any path."""
    text = domain.strip().lower()
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    text = text.split("/", 1)[0].rstrip(".")
    if text.startswith("www."):
        text = text[4:]
    return text
