"""Whether a contact email belongs to the organisation's website (editors' hint)."""

from urllib.parse import urlsplit

from .addresses import domain_canonical


def domain_matches(*, email: str, website: str) -> bool:
    """Return whether the email's domain is the website's host or under it (no www.)."""
    email_domain = email.strip().lower().rpartition("@")[2]
    host = (urlsplit(website).hostname or "").lower()
    try:  # stored addresses carry IDNA-encoded domains: compare like with like
        host = domain_canonical(host) if host else ""
    except ValueError:
        host = ""
    host = host.removeprefix("www.")
    return bool(email_domain and host) and (
        email_domain == host or email_domain.endswith(f".{host}")
    )
