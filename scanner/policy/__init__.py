"""The operator's policy and the check of a scan against it.

``model`` (the strict policy model and its loading), ``yamldoc`` (YAML with line numbers,
shared with the scan configuration), ``template`` (a commented policy to fill in),
``location`` (where a source's data rests), ``flags`` (each compliance flag, defined once) and
``check`` (:func:`apply_policy`: findings against the policy); ``extract`` (a draft policy
file from a published privacy policy, ``derbes policy extract``) stands apart and is
imported only by that command.

The names below are imported on first use: ``flags`` alone is light, and the command line
reads it before it needs the rest.
"""

from __future__ import annotations

from derbes.detectors.lazy import lazy_exports

_EXPORTS = {
    "apply_policy": "check",
    "FLAGS": "flags",
    "FlagInfo": "flags",
    "Duration": "model",
    "Policy": "model",
    "load_policy": "model",
    "parse_duration": "model",
    "validate_policy_file": "model",
    "policy_template": "template",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
