"""The operator's policy and the check of a scan against it.

``model`` (the strict policy model and its loading), ``yamldoc`` (YAML with line numbers,
shared with the scan configuration), ``template`` (a commented policy to fill in),
``location`` (where a source's data rests), ``flags`` (each compliance flag, defined once) and
``check`` (:func:`apply_policy`: findings against the policy); ``extract`` (a draft policy
file from a published privacy policy, ``derbes policy extract``) stands apart and is
imported only by that command.
"""

from derbes.scanner.policy.check import apply_policy
from derbes.scanner.policy.flags import FLAGS, FlagInfo
from derbes.scanner.policy.model import (
    Duration,
    Policy,
    load_policy,
    parse_duration,
    validate_policy_file,
)
from derbes.scanner.policy.template import policy_template

__all__ = [
    "FLAGS",
    "Duration",
    "FlagInfo",
    "Policy",
    "apply_policy",
    "load_policy",
    "parse_duration",
    "policy_template",
    "validate_policy_file",
]
