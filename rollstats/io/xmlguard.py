"""XML read as a stream of tags, with memory and time bounded whatever the file holds.

The readers of Apple Health exports and of XLSX workbooks hand their XML to :func:`walk`,
which feeds it to ``defusedxml``'s parser piece by piece and calls a :class:`Walker` for every
tag. No element tree is built: what a walker does not keep is gone as soon as its tag has been
read, at any depth, so memory does not grow with the file, with how deep its elements nest or
with how many children an element has.

What is refused, with an :class:`~rollstats.errors.IngestError` naming the file:

- any entity declaration (entity bombs, external entities) and any external DTD; an internal
  DTD of element and attribute declarations (Apple's) is accepted;
- elements nested deeper than :data:`MAX_DEPTH`;
- a *token* longer than :data:`MAX_TOKEN_BYTES`: a tag with its attributes, a comment, a
  processing instruction or a DTD declaration is reported only once it is read whole.

Time stays linear in the file, long tokens included. Expat before 2.6 (the Python 3.11 here
has 2.5.0) scans an unfinished token again from its start each time it is given more bytes, so
feeding a token of N bytes in pieces of c bytes scans N^2 / (2c) bytes. :func:`walk` knows where the
last tag it heard of began (``CurrentByteIndex``), so it knows how long the unfinished token
can be; while one is pending it holds the next pieces back until they are at least as long
as that token, then feeds them at once: each rescan is paid for by as many new bytes, and a
token costs at most about three times its length (expat 2.6 and later defer such rescans
themselves; the holding back changes nothing there). Text between tags is no token (expat hands
it over piece by piece): it may be of any length.
"""
from __future__ import annotations

from typing import Iterable, Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import IngestError

#: Elements may nest at most this deep (the root is at depth 1; Apple's exports reach 4).
MAX_DEPTH = 64
#: A tag, comment, processing instruction or declaration may take at most this many bytes (8 MiB).
MAX_TOKEN_BYTES = 8 * 2**20
#: Bytes read from the stream at a time (16 KiB): a progress report follows each read.
CHUNK_BYTES = 2**14


class MalformedXml(IngestError):
    """The bytes are not well-formed XML (as opposed to XML refused for what it holds)."""


class Walker:
    """What :func:`walk` calls for each tag; subclasses override :meth:`enter` and :meth:`leave`.

    ``depth`` is the depth of the element being entered or left (the root is 1); ``what``
    names the file in errors; ``max_depth`` is the deepest nesting allowed. A tag is expat's
    name: ``local``, or ``uri}local`` in a namespace; attributes come as the flat list
    ``[name, value, name, value, ...]`` (:func:`attributes` makes a dict of it).

    >>> class Count(Walker):
    ...     tags = 0
    ...     def enter(self, tag, attrs):
    ...         self.tags += 1
    >>> walker = Count("demo.xml")
    >>> walk([b"<a><b/>", b"<b/></a>"], walker).tags
    3
    """

    def __init__(self, what: str, max_depth: int | None = None):
        self.what = what
        self.max_depth = MAX_DEPTH if max_depth is None else max_depth
        self.depth = 0
        self.mark = 0  #: the byte offset of the last tag, comment or text reported
        self._expat = None  # set by walk(): the expat parser, asked where each tag starts

    def enter(self, tag: str, attrs: list[str]) -> None:
        """An element starts, at ``self.depth``, with its attributes."""

    def leave(self, tag: str) -> None:
        """An element ends, at ``self.depth``."""

    def close(self) -> None:
        """The document has ended (the parser's target interface)."""

    # expat's handlers, installed by walk()
    def _start(self, tag: str, attrs: list[str]) -> None:
        self.depth += 1
        self.mark = self._expat.CurrentByteIndex
        if self.depth > self.max_depth:
            self._too_deep(tag)
        self.enter(tag, attrs)

    def _too_deep(self, tag: str) -> None:
        raise IngestError(f"{self.what}: refused: elements nest deeper than {self.max_depth} levels "
                          f"(<{shown(tag)}> at depth {self.depth})")

    def _end(self, tag: str) -> None:
        self.mark = self._expat.CurrentByteIndex
        self.leave(tag)
        self.depth -= 1

    def _moved(self, *_) -> None:
        self.mark = self._expat.CurrentByteIndex


def attributes(attrs: list[str]) -> dict[str, str]:
    """A tag's attributes as a dict.

    >>> attributes(["a", "1", "b", "2"])
    {'a': '1', 'b': '2'}
    """
    it = iter(attrs)
    return dict(zip(it, it))


def shown(tag: str) -> str:
    """A tag as ElementTree writes it: ``uri}local`` -> ``{uri}local``.

    >>> shown("HealthData"), shown("urn:x}HealthData")
    ('HealthData', '{urn:x}HealthData')
    """
    return "{" + tag if "}" in tag else tag


def chunks(stream, size: int | None = None) -> Iterator[bytes]:
    """The bytes of a binary stream, ``size`` bytes (default :data:`CHUNK_BYTES`) at a time.

    >>> import io
    >>> list(chunks(io.BytesIO(b"abcde"), 2))
    [b'ab', b'cd', b'e']
    """
    size = CHUNK_BYTES if size is None else size
    while True:
        data = stream.read(size)
        if not data:
            return
        yield data


def walk(pieces: Iterable[bytes], walker: Walker, max_token_bytes: int | None = None) -> Walker:
    """Parse XML given as byte pieces, calling ``walker`` for each tag; return the walker.

    ``max_token_bytes`` (default :data:`MAX_TOKEN_BYTES`) caps the bytes read after the last
    tag, comment or text began while nothing else completes. Raises :class:`IngestError`
    naming ``walker.what`` for XML that is refused, :class:`MalformedXml` for XML that is not
    well formed. Time is linear in the bytes, whatever their tokens (see the module's notes).

    >>> walk([b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'], Walker("bomb.xml"))
    Traceback (most recent call last):
    ...
    rollstats.errors.IngestError: bomb.xml: refused: the XML declares an entity; rollstats never expands entities (entity bombs, external entities)
    >>> walk([b'<a b="', b"x" * 600, b'"/>'], Walker("long.xml"), max_token_bytes=500)
    Traceback (most recent call last):
    ...
    rollstats.errors.IngestError: long.xml: refused: more than 500 bytes of XML without a tag ending (an attribute, comment or declaration that long is no export)
    >>> walk([b"<a>", b"<b>"], Walker("cut.xml"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rollstats.io.xmlguard.MalformedXml: cut.xml: not well-formed XML (no element found: ...)
    """
    cap = MAX_TOKEN_BYTES if max_token_bytes is None else max_token_bytes
    what = walker.what
    parser = DefusedXMLParser(target=walker, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    expat = walker._expat = parser.parser  # defusedxml's handlers stay; these report to the walker
    expat.StartDoctypeDeclHandler = _refuse_external_dtd
    expat.StartElementHandler = walker._start
    expat.EndElementHandler = walker._end
    expat.CharacterDataHandler = expat.CommentHandler = expat.ProcessingInstructionHandler = walker._moved
    walker.mark = 0
    fed = 0  # bytes given to the parser so far
    held: list[bytes] = []  # bytes read but not yet given, while a long token is pending
    size = 0

    def give(block: bytes) -> None:
        """Feed ``block`` in parts that can each take a pending token at most just past the cap."""
        nonlocal fed
        while block:
            room = cap + 1 - (fed - walker.mark)
            part, block = (block, b"") if len(block) <= room else (block[:room], block[room:])
            parser.feed(part)
            fed += len(part)
            if fed - walker.mark > cap:
                raise IngestError(f"{what}: refused: more than {cap} bytes of XML without a tag ending "
                                  "(an attribute, comment or declaration that long is no export)")

    try:
        for data in pieces:
            held.append(data)
            size += len(data)
            if size < fed - walker.mark:
                continue  # feed once the new bytes are as many as those expat would scan again
            give(b"".join(held))
            held.clear()
            size = 0
        give(b"".join(held))
        parser.close()
    except EntitiesForbidden:
        raise IngestError(f"{what}: refused: the XML declares an entity; rollstats never "
                          "expands entities (entity bombs, external entities)") from None
    except (ExternalReferenceForbidden, DTDForbidden):
        raise IngestError(f"{what}: refused: the XML refers to an external document "
                          "(external DTD or entity); rollstats never fetches one") from None
    except DefusedXmlException as exc:  # pragma: no cover - any other defusedxml refusal
        raise IngestError(f"{what}: refused: unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise MalformedXml(f"{what}: not well-formed XML ({exc})") from None
    except LookupError as exc:  # the declaration names an encoding Python does not know
        raise MalformedXml(f"{what}: not readable XML ({exc})") from None
    return walker


def _refuse_external_dtd(name, system_id, public_id, has_internal_subset):
    """A DOCTYPE handler: an internal subset is fine, a SYSTEM or PUBLIC one is refused."""
    if system_id or public_id:
        raise DTDForbidden(name, system_id, public_id)


__all__ = ["walk", "chunks", "attributes", "shown", "Walker", "MalformedXml", "MAX_DEPTH", "MAX_TOKEN_BYTES",
           "CHUNK_BYTES"]
