"""Ceasefire as code: the YAML schema, a loader with precise errors, and compiled rules."""

from ceasefire.agreement.compiled import CompiledAgreement, CompiledZone, compile_agreement
from ceasefire.agreement.errors import AgreementError
from ceasefire.agreement.loader import load_agreement

__all__ = [
    "AgreementError",
    "CompiledAgreement",
    "CompiledZone",
    "compile_agreement",
    "load_agreement",
]
