"""Generate leadkit's bundled sample: about 200 synthetic leads of an IT-upskilling institute.

Run ``python scripts/make_sample_data.py`` to rewrite
``src/leadkit/datasets/sample_leads.json``; the output is byte-for-byte
reproducible (a fixed seed, no clock), and a test checks the shipped file
matches it.

Every person, company, email and phone number is invented. Emails use
reserved example domains or made-up company domains; phone numbers use
fictional ranges where a country has one (555-01xx in North America).

The sample covers the situations leadkit's demo and tutorials need:

* four personas (fresh graduates, software professionals, business-school
  graduates, analysts wanting software skills);
* every source: web form, chat, call, social, a bought email list, event
  badge scans, free-trial sign-ups, demo requests;
* duplicates (the same person arriving from two sources, the email spelt
  in another case, the phone written in another format);
* leads nobody can contact (anonymous site visitors, a tracking pixel);
* bad rows, as a bought list or a careless export has them: malformed
  emails, a naive timestamp, a negative head count, an unknown field, an
  unknown country code, an unknown BANT status, text where a number belongs.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SEED = 20261123
OUT = Path(__file__).resolve().parent.parent / "src" / "leadkit" / "datasets" / "sample_leads.json"
START = datetime(2026, 9, 1, tzinfo=timezone.utc)
DAYS = 75

FIRST = [
    "Aarav", "Ananya", "Rohan", "Priya", "Vikram", "Sneha", "Arjun", "Kavya", "Emma", "Liam",
    "Olivia", "Noah", "Sofia", "Lucas", "Mia", "Ethan", "Chloe", "Mateo", "Amara", "Kwame",
    "Yuki", "Hana", "Jonas", "Lena", "Tomás", "Inés", "Omar", "Layla", "Chen", "Mei",
]  # fmt: skip
LAST = [
    "Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Mehta", "Rao", "Smith", "Johnson",
    "Brown", "Garcia", "Müller", "Schmidt", "Rossi", "Dubois", "Okafor", "Mensah", "Tanaka",
    "Sato", "Kowalski", "Novak", "Silva", "Santos", "Haddad", "Khan", "Wang", "Li", "Jensen", "Berg",
]  # fmt: skip

# country: (UTC offset in hours, phone prefix, phone digits after the prefix)
COUNTRIES = {
    "IN": (5.5, "+91 98", 8),
    "US": (-5, "+1 415 555 01", 2),
    "GB": (0, "+44 7700 900", 3),
    "DE": (1, "+49 (0)30 5550", 4),
    "SG": (8, "+65 6555", 4),
    "AE": (4, "+971 4 555", 4),
}

SEGMENTS: dict[str, dict[str, Any]] = {
    "fresh_graduate": {
        "titles": ["Graduate Trainee", "Student", "Intern", "Recent Graduate", None],
        "companies": [("Campus Connect", "campusconnect.example", "Education", 40)],
        "course": ["Full-stack bootcamp", "Java foundations", "Cloud practitioner"],
        "countries": ["IN", "IN", "IN", "GB", "SG"],
        "personal_email": 0.8,
    },
    "software_professional": {
        "titles": ["Software Engineer", "Senior Developer", "DevOps Engineer", "Solutions Architect", "QA Engineer"],
        "companies": [
            ("Infosphere Systems", "infosphere.example", "IT Services", 12000),
            ("Bluefin Software", "bluefin.example", "Software", 350),
            ("Kappa Cloud", "kappacloud.example", "Software", 1800),
            ("Northwind Apps", "northwind.example", "Software", 85),
        ],
        "course": ["Kubernetes in production", "Cloud architect track", "Machine learning engineering"],
        "countries": ["IN", "US", "DE", "GB", "SG"],
        "personal_email": 0.2,
    },
    "business_graduate": {
        "titles": ["Product Manager", "Management Consultant", "MBA Candidate", "Associate", "Business Manager"],
        "companies": [
            ("Crescent Advisory", "crescent.example", "Consulting", 600),
            ("Meridian Retail", "meridianretail.example", "Retail", 4200),
            ("Harbor Capital", "harborcap.example", "Financial Services", 900),
        ],
        "course": ["Product analytics", "Digital transformation", "Data-driven management"],
        "countries": ["US", "GB", "AE", "IN", "DE"],
        "personal_email": 0.35,
    },
    "analyst": {
        "titles": ["Data Analyst", "Business Analyst", "BI Analyst", "Financial Analyst", "Risk Analyst"],
        "companies": [
            ("Lakeshore Bank", "lakeshorebank.example", "Banking", 7000),
            ("Summit Insurance", "summitins.example", "Insurance", 2500),
            ("Cura Health", "curahealth.example", "Healthcare", 1200),
            ("Harbor Capital", "harborcap.example", "Financial Services", 900),
        ],
        "course": ["Python for analysts", "SQL and dashboards", "Automation with Python"],
        "countries": ["US", "IN", "GB", "SG", "DE"],
        "personal_email": 0.3,
    },
}

# source: (weight, segment weights, typical interaction kinds with their channel)
SOURCES: dict[str, tuple[int, dict[str, int], list[tuple[str, str]]]] = {
    "web_form": (40, {"fresh_graduate": 3, "software_professional": 3, "business_graduate": 2, "analyst": 3},
                 [("form_submit", "web"), ("page_view", "web"), ("content_download", "web"), ("email_open", "email"),
                  ("email_click", "email"), ("pricing_view", "web")]),
    "chat": (18, {"fresh_graduate": 3, "software_professional": 2, "business_graduate": 1, "analyst": 2},
             [("chat", "chat"), ("page_view", "web"), ("pricing_view", "web")]),
    "call": (12, {"fresh_graduate": 1, "software_professional": 2, "business_graduate": 2, "analyst": 2},
             [("call", "phone"), ("email_open", "email"), ("email_click", "email")]),
    "social": (22, {"fresh_graduate": 4, "software_professional": 1, "business_graduate": 2, "analyst": 1},
               [("social", "social"), ("page_view", "web"), ("webinar", "web")]),
    "bought_list": (40, {"fresh_graduate": 1, "software_professional": 2, "business_graduate": 2, "analyst": 2},
                    [("email_open", "email"), ("bounce", "email"), ("unsubscribe", "email"), ("email_click", "email")]),
    "event": (22, {"fresh_graduate": 2, "software_professional": 2, "business_graduate": 1, "analyst": 2},
              [("event_scan", "event"), ("email_open", "email"), ("webinar", "web")]),
    "free_trial": (18, {"fresh_graduate": 2, "software_professional": 3, "business_graduate": 1, "analyst": 3},
                   [("free_trial", "web"), ("page_view", "web"), ("pricing_view", "web"), ("email_click", "email")]),
    "demo_request": (12, {"fresh_graduate": 0, "software_professional": 2, "business_graduate": 3, "analyst": 2},
                     [("demo_request", "web"), ("pricing_view", "web"), ("call", "phone"), ("email_click", "email")]),
}  # fmt: skip

PERSONAL_DOMAINS = ["example.com", "example.net", "example.org"]
CAMPAIGNS = ["autumn-intake", "cloud-webinar", "python-ebook", "career-fair-2026", None]


def _iso(moment: datetime, offset_hours: float) -> str:
    tz = timezone(timedelta(hours=offset_hours))
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


def _slug(text: str) -> str:
    table = str.maketrans({"ü": "ue", "á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ñ": "n"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


_USED_PHONES: set[str] = set()


def _unique_phone(rng: random.Random, prefix: str, digits: int) -> str:
    """A fictional number no other person in the sample has (duplicates are made on purpose, elsewhere)."""
    while True:
        phone = prefix + "".join(rng.choice("0123456789") for _ in range(digits))
        if phone not in _USED_PHONES:
            _USED_PHONES.add(phone)
            return phone


def _lead(rng: random.Random, number: int, source: str) -> dict[str, Any]:
    _, segment_weights, kinds = SOURCES[source]
    segment = rng.choices(list(segment_weights), weights=list(segment_weights.values()))[0]
    spec = SEGMENTS[segment]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    country = rng.choice(spec["countries"])
    offset, phone_prefix, phone_digits = COUNTRIES[country]
    created = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
    company_name, domain, industry, employees = rng.choice(spec["companies"])

    personal = rng.random() < spec["personal_email"]
    email_domain = rng.choice(PERSONAL_DOMAINS) if personal else domain
    email = f"{_slug(first)}.{_slug(last)}{number}@{email_domain}"
    phone = _unique_phone(rng, phone_prefix, phone_digits)

    record: dict[str, Any] = {
        "id": f"L-{number:04d}",
        "created_at": _iso(created, offset),
        "contact": {"name": f"{first} {last}", "email": email},
        "source": source,
    }
    if source in ("call", "chat", "demo_request", "event") or rng.random() < 0.4:
        record["contact"]["phone"] = phone
    title = rng.choice(spec["titles"])
    if title:
        record["contact"]["title"] = title
    if segment != "fresh_graduate" or rng.random() < 0.3:
        jitter = rng.uniform(0.8, 1.2)
        record["company"] = {
            "name": company_name,
            "domain": domain,
            "industry": industry,
            "employees": max(1, round(employees * jitter)),
            "country": country,
        }
        if rng.random() < 0.5:
            record["company"]["annual_revenue"] = round(employees * jitter * rng.uniform(40_000, 160_000), -3)

    attributes: dict[str, Any] = {"segment": segment, "course_interest": rng.choice(spec["course"])}
    campaign = rng.choice(CAMPAIGNS)
    if campaign:
        attributes["utm_campaign"] = campaign
    if segment == "fresh_graduate":
        attributes["graduation_year"] = rng.choice([2025, 2026, 2027])
    record["attributes"] = attributes

    interactions = []
    first_kind, first_channel = kinds[0]
    if source != "bought_list":
        interactions.append({"kind": first_kind, "at": _iso(created, offset), "channel": first_channel})
    for _ in range(rng.randrange(0, 7)):
        kind, channel = rng.choice(kinds)
        at = created + timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        item: dict[str, Any] = {"kind": kind, "at": _iso(at, offset), "channel": channel}
        if kind == "webinar":
            item["value"] = rng.choice([15, 30, 45, 60])
            item["properties"] = {"title": "Cloud careers live"}
        if kind == "content_download":
            item["properties"] = {"asset": rng.choice(["python-ebook", "salary-report-2026", "syllabus"])}
        interactions.append(item)
    if interactions:
        record["interactions"] = interactions

    if source in ("call", "demo_request") or (source == "chat" and rng.random() < 0.5):
        statuses = ["unknown", "no", "partial", "yes"]
        record["bant"] = {
            "budget": rng.choices(statuses, weights=[3, 1, 2, 3])[0],
            "authority": rng.choices(statuses, weights=[2, 2, 1, 3])[0],
            "need": {"status": rng.choices(statuses, weights=[1, 1, 2, 5])[0], "note": rng.choice(spec["course"])},
            "timeline": rng.choices(statuses, weights=[3, 1, 2, 2])[0],
        }
    return record


def _duplicate(rng: random.Random, original: dict[str, Any], number: int) -> dict[str, Any]:
    """The same person again, from another source, written differently."""
    copy = json.loads(json.dumps(original))
    copy["id"] = f"L-{number:04d}"
    copy["source"] = rng.choice(["event", "bought_list", "social", "web_form"])
    created = datetime.fromisoformat(original["created_at"]) + timedelta(days=rng.randrange(1, 20))
    copy["created_at"] = created.isoformat()
    style = number % 3
    if style == 0:
        copy["contact"]["email"] = "  " + original["contact"]["email"].upper() + " "
    elif style == 1 and "phone" in original["contact"]:
        del copy["contact"]["email"]
        copy["contact"]["phone"] = original["contact"]["phone"].replace(" ", "-").replace("(0)", "")
    else:
        copy["contact"]["email"] = original["contact"]["email"].title()
    copy["interactions"] = [{"kind": "event_scan", "at": copy["created_at"], "channel": "event"}]
    copy["attributes"] = {"segment": original["attributes"]["segment"], "badge_id": f"B{number:05d}"}
    copy.pop("bant", None)
    return copy


def _unreachable(rng: random.Random, number: int) -> dict[str, Any]:
    """A site visitor or a tracking pixel: activity, but nobody to contact."""
    created = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
    source = rng.choice(["web_visit", "pixel"])
    return {
        "id": f"V-{number:04d}",
        "created_at": _iso(created, 0),
        "source": source,
        "attributes": {"visitor_id": f"anon-{rng.randrange(16**8):08x}"},
        "interactions": [
            {"kind": "page_view", "at": _iso(created + timedelta(minutes=m), 0), "channel": "web"}
            for m in sorted(rng.sample(range(120), rng.randrange(1, 4)))
        ],
    }


def _bad_rows(rng: random.Random, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as a bought list or a careless export has them; each fails validation."""

    def variant(number: int) -> dict[str, Any]:
        row = json.loads(json.dumps(rng.choice(base)))
        row["id"] = f"B-{number:04d}"
        row["source"] = "bought_list"
        row.pop("bant", None)
        return row

    rows = []
    for number, email in enumerate(["jane.doe@@example.com", "no-at-sign.example.com", "mark@localhost"], start=1):
        row = variant(number)
        row["contact"]["email"] = email
        rows.append(row)
    row = variant(4)
    row["created_at"] = "2026-10-02T09:15:00"  # no offset: ambiguous time
    rows.append(row)
    row = variant(5)
    row.setdefault("company", {"name": "Unknown Ltd"})["employees"] = -40
    rows.append(row)
    row = variant(6)
    row.setdefault("company", {"name": "Unknown Ltd"})["employees"] = "fifty"
    rows.append(row)
    row = variant(7)
    row.setdefault("company", {"name": "Unknown Ltd"})["country"] = "UK"  # GB is the ISO code
    rows.append(row)
    row = variant(8)
    row["lead_score"] = 87  # an exporter's column leadkit does not know
    rows.append(row)
    row = variant(9)
    row["bant"] = {"budget": "maybe"}
    rows.append(row)
    row = variant(10)
    row["contact"]["phone"] = "call reception"
    rows.append(row)
    return rows


def build() -> list[dict[str, Any]]:
    """The sample records, in a stable order."""
    rng = random.Random(SEED)
    _USED_PHONES.clear()
    names = list(SOURCES)
    weights = [SOURCES[s][0] for s in names]
    leads = [_lead(rng, n, rng.choices(names, weights=weights)[0]) for n in range(1, 171)]
    duplicates = [_duplicate(rng, original, 171 + i) for i, original in enumerate(rng.sample(leads, 12))]
    unreachable = [_unreachable(rng, n) for n in range(1, 9)]
    bad = _bad_rows(rng, leads)
    records = leads + duplicates + unreachable + bad
    rng.shuffle(records)
    return records


def main() -> None:
    """Write the sample file."""
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(OUT.parents[3])}")


if __name__ == "__main__":
    main()
