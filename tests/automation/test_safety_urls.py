"""The sales guard reads a URL's host as a browser does (WHATWG), and nothing else passes.

Properties: the listed host passes with any port, path, case, user name or trailing dot; hosts
that only look like it (a suffix or a prefix, user information, a backslash, a tab or a newline,
Unicode look-alikes and their punycode, an IP address in any spelling) are refused.
``is_simulator`` is replaced by a stub answering no: these URLs must be refused on their host
alone, and no test may send a request to hosts made up by hypothesis.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from automation.runtime.settings import Settings
from automation.safety import (
    SalesNotAllowed,
    UnsafeUrl,
    browser_host,
    ensure_sales_allowed,
    sandbox_host,
)

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Letters with a Cyrillic or Greek twin that looks the same and is another host name.
_TWINS = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і"}

label = st.text(_LETTERS + "0123456789", min_size=1, max_size=12)
# Letters only at the end: a last label such as 12 or 0x makes the whole host an IPv4 address.
top_level = st.text(_LETTERS, min_size=2, max_size=6)
host_names = st.builds(
    lambda names, top: ".".join([*names, top]), st.lists(label, min_size=1, max_size=3), top_level
)
schemes = st.sampled_from(["http", "https"])
ports = st.one_of(st.none(), st.integers(0, 65535))
paths = st.lists(st.text(_LETTERS + "0123456789-._~!$&'()*+,;=:@%", max_size=8), max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)
queries = st.one_of(st.just(""), st.text(_LETTERS + "=&", max_size=10).map(lambda q: "?" + q))


# Timing is the machine's business, not the guard's: no deadline (the machine is shared).
relaxed = settings(deadline=None)


def _settings(hosts: str) -> Settings:
    return Settings(_env_file=None, sandbox_hosts=hosts)


@contextmanager
def _no_simulator() -> Iterator[mock.MagicMock]:
    with mock.patch("automation.safety.is_simulator", return_value=False) as asked:
        yield asked


def _refused(url: str, listed: str) -> bool:
    with _no_simulator():
        try:
            ensure_sales_allowed(url, _settings(listed))
        except SalesNotAllowed:
            return True
    return False


def _mixed_case(text: str, flips: list[bool]) -> str:
    return "".join(
        c.upper() if flip else c for c, flip in zip(text, flips + [False] * len(text), strict=False)
    )


# --- what passes -----------------------------------------------------------------------------


@relaxed
@given(
    host=host_names,
    scheme=schemes,
    port=ports,
    path=paths,
    query=queries,
    flips=st.lists(st.booleans(), max_size=60),
    dot=st.booleans(),
    user=st.one_of(st.none(), label),
)
@example(
    host="uat.example.test",
    scheme="https",
    port=8443,
    path="/s/",
    query="",
    flips=[True] * 3,
    dot=True,
    user=None,
)
def test_the_listed_host_passes_with_any_port_path_case_user_or_trailing_dot(
    host: str,
    scheme: str,
    port: int | None,
    path: str,
    query: str,
    flips: list[bool],
    dot: bool,
    user: str | None,
) -> None:
    shown = _mixed_case(host, flips) + ("." if dot else "")
    url = (
        f"{scheme}://{f'{user}@' if user else ''}{shown}"
        f"{'' if port is None else f':{port}'}{path}{query}"
    )
    assert browser_host(url) == host
    assert not _refused(url, host)


@relaxed
@given(host=host_names, flips=st.lists(st.booleans(), max_size=60), dot=st.booleans())
def test_an_entry_is_compared_whatever_its_case_or_trailing_dot(
    host: str, flips: list[bool], dot: bool
) -> None:
    entry = _mixed_case(host, flips) + ("." if dot else "")
    assert sandbox_host(entry) == host
    assert not _refused(f"https://{host}/s/", entry)


@relaxed
@given(address=st.ip_addresses(v=4), spelling=st.sampled_from(["dotted", "integer", "hex"]))
def test_a_listed_address_passes_however_the_browser_is_given_it(
    address: ipaddress.IPv4Address, spelling: str
) -> None:
    # Spellings a browser reads as that very address: the same host, not a look-alike.
    written = {"dotted": str(address), "integer": str(int(address)), "hex": hex(int(address))}[
        spelling
    ]
    assert not _refused(f"http://{written}:8080/s/", str(address))


# --- what is refused -------------------------------------------------------------------------


@relaxed
@given(
    host=host_names,
    other=label,
    scheme=schemes,
    port=ports,
    trick=st.sampled_from(["suffix", "prefix", "sub", "glued", "hyphen"]),
)
def test_a_host_that_merely_contains_the_listed_one_is_refused(
    host: str, other: str, scheme: str, port: int | None, trick: str
) -> None:
    lookalike = {
        "suffix": f"{host}.{other}.test",
        "prefix": f"{other}{host}",
        "sub": f"{other}.{host}",
        "glued": f"{host}{other}",
        "hyphen": f"{host}-{other}",
    }[trick]
    url = f"{scheme}://{lookalike}{'' if port is None else f':{port}'}/s/"
    assert _refused(url, host)


@relaxed
@given(host=host_names, evil=host_names, password=st.one_of(st.none(), label))
def test_the_listed_host_as_user_information_is_refused(
    host: str, evil: str, password: str | None
) -> None:
    assume(evil != host)
    userinfo = host if password is None else f"{host}:{password}"
    assert _refused(f"https://{userinfo}@{evil}/", host)


@relaxed
@given(
    host=host_names,
    evil=host_names,
    form=st.sampled_from(
        [
            "{s}://{evil}\\@{host}/",
            "{s}://{evil}\\{host}/",
            "{s}:\\\\{evil}\\@{host}/",
            "{s}://{evil}\\\\@{host}/",
            "{s}://{host}\\@{evil}/",
            "{s}://{host}\\s\\",
        ]
    ),
    scheme=schemes,
)
@example(host="uat.example.test", evil="evil.test", form="{s}://{evil}\\@{host}/", scheme="https")
def test_a_url_with_a_backslash_is_refused(host: str, evil: str, form: str, scheme: str) -> None:
    url = form.format(s=scheme, evil=evil, host=host)
    assert _refused(url, host)
    with pytest.raises(UnsafeUrl, match="backslash"):
        browser_host(url)


def test_the_backslash_url_of_the_issue_is_read_as_the_browser_reads_it() -> None:
    with pytest.raises(UnsafeUrl) as refused:
        browser_host("https://evil.test\\@uat.example.test/")
    assert "a browser would go to evil.test" in str(refused.value)


@relaxed
@given(
    host=host_names,
    evil=host_names,
    char=st.sampled_from(["\t", "\n", "\r", " ", "\x00", "\x1f", "\x7f"]),
    where=st.integers(0, 200),
    base=st.sampled_from(["{evil}\\@{host}", "{host}", "{host}@{evil}", "{evil}"]),
)
def test_a_tab_newline_space_or_control_anywhere_is_refused(
    host: str, evil: str, char: str, where: int, base: str
) -> None:
    url = "https://" + base.format(evil=evil, host=host) + "/s/"
    at = where % (len(url) + 1)
    assert _refused(url[:at] + char + url[at:], host)


@relaxed
@given(host=host_names, where=st.data())
def test_a_unicode_look_alike_and_its_punycode_are_refused(host: str, where: st.DataObject) -> None:
    places = [i for i, c in enumerate(host) if c in _TWINS]
    assume(places)
    at = where.draw(st.sampled_from(places))
    lookalike = host[:at] + _TWINS[host[at]] + host[at + 1 :]
    punycode = lookalike.encode("idna").decode("ascii")
    for written in (lookalike, punycode):
        assert browser_host(f"https://{written}/") != host
        assert _refused(f"https://{written}/s/", host)


@relaxed
@given(
    host=host_names,
    address=st.ip_addresses(v=4),
    spelling=st.sampled_from(["dotted", "integer", "hex", "octal"]),
)
def test_an_ip_address_in_any_spelling_is_not_a_listed_name(
    host: str, address: ipaddress.IPv4Address, spelling: str
) -> None:
    octets = str(address).split(".")
    written = {
        "dotted": str(address),
        "integer": str(int(address)),
        "hex": hex(int(address)),
        "octal": ".".join(f"0{int(o):o}" for o in octets),
    }[spelling]
    assert browser_host(f"http://{written}/") == str(address)
    assert _refused(f"http://{written}/s/", host)


@relaxed
@given(listed=st.ip_addresses(v=4), other=st.ip_addresses(v=4))
def test_another_address_is_refused_whatever_its_spelling(
    listed: ipaddress.IPv4Address, other: ipaddress.IPv4Address
) -> None:
    assume(listed != other)
    for written in (str(other), str(int(other)), hex(int(other))):
        assert _refused(f"http://{written}/", str(listed))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://uat.example.test/",
        "javascript:alert(1)//uat.example.test",
        "file://uat.example.test/",
        "ws://uat.example.test/",
        "data:text/html,uat.example.test",
        "uat.example.test",
        "//uat.example.test/",
        "https://",
    ],
)
def test_only_http_and_https_urls_with_a_host_can_pass(url: str) -> None:
    assert _refused(url, "uat.example.test")


# --- entries that could never match ----------------------------------------------------------


@relaxed
@given(
    host=host_names,
    form=st.sampled_from(
        [
            "https://{h}",
            "http://{h}/",
            "*.{h}",
            "{h}/s",
            "/{h}",
            "{h}:8443",
            "{h}:",
            "user@{h}",
            "{h}\\s",
            "ftp:{h}",
        ]
    ),
)
def test_an_entry_that_cannot_match_names_itself_and_what_is_accepted(host: str, form: str) -> None:
    entry = form.format(h=host)
    with pytest.raises(ValueError) as refused:
        sandbox_host(entry)
    message = str(refused.value)
    assert repr(entry) in message and "a host name such as" in message
