"""The canonical form of an email address: one mailbox, one string.

Uniqueness (one signature per letter and mailbox), rate limits and tokens use it.
It follows what mail delivery does, and no more: the domain is compared the way DNS
resolves it (IDNA, after Unicode compatibility mapping), and the local part is
rewritten only where the provider documents that it ignores something.
"""

import functools
import re
import unicodedata

try:  # IDNA 2008 with the UTS 46 mapping, as browsers and mail clients resolve.
    import idna as _idna
except ImportError:  # pragma: no cover - the package is pinned in requirements.txt
    _idna = None

# Characters that UTS 46 maps to nothing: invisible in a domain, so a domain that
# differs only by them is the same domain (soft hyphen, zero-width joiners, marks).
_IGNORED = dict.fromkeys(
    [0x00AD, 0x034F, 0x180B, 0x180C, 0x180D, 0x180E, 0x200B, 0x200C, 0x200D]
    + [0x2060, 0xFEFF, *range(0xFE00, 0xFE10)]
)
# Label separators other than "." that IDNA treats as full stops.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})

# Providers that document that parts of the local part do not matter. Keep this
# table to what the provider itself documents; a guess would merge two people.
#   Gmail: "Dots don't matter in Gmail addresses" and "+" task-specific addresses
#   (support.google.com/mail/answer/7436150 and /answer/12096); googlemail.com is
#   the same service under its older name.
#   Fastmail: plus addressing (fastmail.help, "Plus addressing and subdomain
#   addressing"). Proton Mail: "+aliases" (proton.me/support/addresses-and-aliases).
_IGNORES_DOTS = frozenset({"gmail.com", "googlemail.com"})
_IGNORES_PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "fastmail.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
    }
)
# Gmail's two names are one mailbox namespace.
_SAME_MAILBOXES = {"googlemail.com": "gmail.com"}

# RFC 5322 atext: a quoted local part made only of these (and single dots between
# them) means the same as the unquoted one.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(\.{_ATEXT})*")
MAX_LENGTH = 254  # RFC 5321 path limit, and the column's length


# Most signers share a few dozen mail domains, and one sign-up canonicalises its
# address more than once (form, rate limit, service): IDNA's checks are most of
# the cost, so the answers are kept (not the errors: a bad domain is checked anew).
@functools.lru_cache(maxsize=4096)
def domain_canonical(domain: str) -> str:
    """Return the ASCII (A-label) lower-case form of ``domain``; ValueError if none."""
    domain = unicodedata.normalize("NFKC", domain).translate(_IGNORED)
    domain = domain.translate(_DOTS).strip().lower().removesuffix(".")
    if domain.startswith("[") and domain.endswith("]"):
        return domain  # an address literal: no names to map
    try:
        if _idna is not None:
            encoded = _idna.encode(domain, uts46=True)
        else:  # IDNA 2003 (nameprep), what Python ships
            encoded = domain.encode("idna")
    except (UnicodeError, ValueError) as exc:
        raise ValueError(f"invalid domain: {exc}") from None
    return encoded.decode("ascii").lower()


def _local_canonical(local: str) -> str:
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        unquoted = re.sub(r"\\(.)", r"\1", local[1:-1])
        if _DOT_ATOM.fullmatch(unquoted):
            local = unquoted
        else:  # needs its quotes; write them one way only
            escaped = unquoted.replace("\\", "\\\\").replace('"', '\\"')
            local = f'"{escaped}"'
    local = unicodedata.normalize("NFC", local)
    if not local:
        raise ValueError("empty local part")
    return local.lower()


def email_canonical(address: str) -> str:
    """Return the canonical form of ``address``; raise ValueError if it has none.

    Lower-cased; the domain IDNA-encoded after NFKC and without invisible
    characters; a needlessly quoted local part unquoted; dots and ``+tags``
    dropped only for the providers in the table above.
    """
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    domain = domain_canonical(domain)
    local = _local_canonical(local)
    domain = _SAME_MAILBOXES.get(domain, domain)
    if not local.startswith('"'):
        if domain in _IGNORES_PLUS_TAGS:
            local = local.partition("+")[0]
        if domain in _IGNORES_DOTS:
            local = local.replace(".", "")
        if not local:
            raise ValueError("empty local part")
    canonical = f"{local}@{domain}"
    try:
        canonical.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no mailbox is called that
        raise ValueError("not an email address") from None
    if len(canonical) > MAX_LENGTH:
        raise ValueError("address too long")
    return canonical
