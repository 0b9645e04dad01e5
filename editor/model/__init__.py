"""The edition model: pure Python, never imports Qt."""

from editor.model.annotation import (ACTIONS, CERTAINTIES, STATUSES, Anchoring, Annotation,
                                     ReviewEvent, Span, now_iso)
from editor.model.edition import (WITNESS_KINDS, Edition, Hand, Metadata, Person, Surface,
                                  Witness, Zone, is_ncname, make_ncname)
from editor.model.kinds import KIND_IDS, KINDS, NOTE_TYPES, KindSpec, spec
from editor.model.mapping import Mapping, MapResult, StepMap
from editor.model.validate import Problem, validate_edition

__all__ = [
    "ACTIONS", "CERTAINTIES", "STATUSES", "Anchoring", "Annotation", "ReviewEvent", "Span",
    "now_iso", "WITNESS_KINDS", "Edition", "Hand", "Metadata", "Person", "Surface", "Witness",
    "Zone", "is_ncname", "make_ncname", "KIND_IDS", "KINDS", "NOTE_TYPES", "KindSpec", "spec",
    "Mapping", "MapResult", "StepMap", "Problem", "validate_edition",
]
