import pytest

from signatories import addresses
from signatories.addresses import email_canonical


@pytest.mark.parametrize(
    "variant",
    [
        "john.doe@gmail.com",
        "JohnDoe@Gmail.com",
        "j.o.h.n.d.o.e@gmail.com",
        "johndoe+petition@gmail.com",
        "john.doe+a+b@googlemail.com",
        '"john.doe"@gmail.com',
        "  johndoe@GMAIL.COM.  ",
        "johndoe@ｇｍａｉｌ.com",
        "johndoe@gm\u00adail.com",
        "johndoe@gmail\uff0ecom",
    ],
)
def test_gmail_variants_are_one_mailbox(variant):
    """Gmail ignores dots and +tags; case, quotes and domain spelling do not matter."""
    assert email_canonical(variant) == "johndoe@gmail.com"


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        # Providers that do not document it keep their dots and tags.
        ("John.Doe+tag@Example.ORG", "john.doe+tag@example.org"),
        ("first.last@outlook.com", "first.last@outlook.com"),
        ("ops+sign@fastmail.com", "ops@fastmail.com"),
        ("ops+sign@proton.me", "ops@proton.me"),
        # IDNA: Unicode, fullwidth and invisible characters resolve to one A-label.
        ("info@bücher.de", "info@xn--bcher-kva.de"),
        ("info@BÜCHER.de", "info@xn--bcher-kva.de"),
        ("info@xn--bcher-kva.de", "info@xn--bcher-kva.de"),
        ("info@ｂüｃｈｅｒ.de", "info@xn--bcher-kva.de"),
        ("info@bü\u00adcher.de", "info@xn--bcher-kva.de"),
        ("info@bü\u200bcher.de", "info@xn--bcher-kva.de"),
        # A quoted local part loses its quotes only where they change nothing.
        ('"info"@example.org', "info@example.org"),
        ('"a b"@example.org', '"a b"@example.org'),
        ('"a\\"b"@example.org', '"a\\"b"@example.org'),
        ('"a..b"@gmail.com', '"a..b"@gmail.com'),
        ("a@[192.0.2.1]", "a@[192.0.2.1]"),
    ],
)
def test_email_canonical(address, canonical):
    """Each address maps to the form mail delivery treats as the same mailbox."""
    assert email_canonical(address) == canonical


@pytest.mark.parametrize(
    "address",
    [
        "no-at-sign",
        "@example.org",
        "user@",
        "user@exa..mple.org",
        "user@xn--zz.example",  # not a valid A-label
        "user@\ud800.example",  # a lone surrogate
        "us\udfffer@example.org",
        "user@😀.example",
        "+tag@gmail.com",  # nothing left of the mailbox
        "user@" + "ü" * 60 + "." + "ü" * 60 + "." + "ü" * 60 + ".example",
    ],
)
def test_email_canonical_refuses_what_has_no_mailbox(address):
    """Addresses without a canonical form raise ValueError, never anything else."""
    with pytest.raises(ValueError):
        email_canonical(address)


def test_email_canonical_is_idempotent():
    """Canonicalising twice changes nothing (the migration relies on it)."""
    for address in ["J.Doe+x@GoogleMail.com", "info@ｂüｃｈｅｒ.de", '"a b"@X.org']:
        once = email_canonical(address)
        assert email_canonical(once) == once


def test_email_canonical_without_the_idna_package(monkeypatch):
    """Python's own IDNA codec is the fallback, with the same results for these."""
    addresses.domain_canonical.cache_clear()  # answers kept from the other encoder
    monkeypatch.setattr(addresses, "_idna", None)
    assert email_canonical("info@ｂü\u00adｃｈｅｒ.de") == "info@xn--bcher-kva.de"
    assert email_canonical("j.doe+x@gmail.com") == "jdoe@gmail.com"
    with pytest.raises(ValueError):
        email_canonical("user@exa..mple.org")
    addresses.domain_canonical.cache_clear()


def test_a_domain_is_encoded_once_and_a_bad_one_every_time(monkeypatch):
    """A sign-up canonicalises its address several times (form, rate limit,
    service); the domain's IDNA encoding, most of the cost, is done once."""
    calls = []
    real = addresses._idna.encode

    def counting(domain, **kwargs):
        calls.append(domain)
        return real(domain, **kwargs)

    addresses.domain_canonical.cache_clear()
    monkeypatch.setattr(addresses._idna, "encode", counting)
    for local in ("a", "b", "c"):
        assert email_canonical(f"{local}@Kept-Once.example") == (
            f"{local}@kept-once.example"
        )
    assert calls == ["kept-once.example"]
    for _ in range(2):  # an error is not kept: the same answer, worked out anew
        with pytest.raises(ValueError):
            email_canonical("user@exa..mple.org")
    assert calls.count("exa..mple.org") == 2
    addresses.domain_canonical.cache_clear()
