"""RPO grades and when a grade may change.

A grade compares the achieved RPO with the policy's target.  It changes
only when two consecutive samples agree, so one slow transfer does not
make an alert fire and clear a minute later.
"""

OK = 'ok'
WARNING = 'warning'
VIOLATED = 'violated'
CRITICAL = 'critical'
UNKNOWN = 'unknown'
ALL = (OK, WARNING, VIOLATED, CRITICAL, UNKNOWN)
_SEVERITY = (OK, WARNING, VIOLATED, CRITICAL)
# Grades that break the recovery point objective.
BREACHED = (VIOLATED, CRITICAL)

# Upper bounds of ok, warning and violated, as multiples of the target.
WARNING_AT = 0.75
VIOLATED_ABOVE = 1.0
CRITICAL_ABOVE = 4.0


def grade(rpo_seconds, target_seconds):
    """The grade of one sample; ``rpo_seconds`` None: not measured."""
    if rpo_seconds is None or not target_seconds:
        return UNKNOWN
    ratio = float(rpo_seconds) / target_seconds
    if ratio < WARNING_AT:
        return OK
    if ratio <= VIOLATED_ABOVE:
        return WARNING
    if ratio <= CRITICAL_ABOVE:
        return VIOLATED
    return CRITICAL


def settle(shown, previous_sample, sample):
    """The grade to show after ``sample``.

    :param shown: the grade shown until now (None: never graded, so the
        first sample is shown at once).
    :param previous_sample: the grade of the sample before this one.

    Two consecutive samples that agree change the grade.  Two that both
    say worse (or both better) than the grade shown, without agreeing on
    how much, move it to the milder of the two: an RPO that keeps
    growing through the thresholds is not held at ``ok``.
    """
    if shown is None or sample == previous_sample:
        return sample
    if UNKNOWN in (shown, previous_sample, sample):
        return shown
    here, before, now = (_SEVERITY.index(g)
                         for g in (shown, previous_sample, sample))
    if before > here and now > here:
        return _SEVERITY[min(before, now)]
    if before < here and now < here:
        return _SEVERITY[max(before, now)]
    return shown


def event(before, after):
    """The one notification a change of the shown grade makes.

    Entering a breach (or going from violated to critical) is
    ``rpo.violated``; leaving it for ok or warning is ``rpo.restored``;
    every other change (ok to warning, to or from unknown) is
    ``rpo.changed``.  None when the grade did not change, or when a first
    grade is not a breach.
    """
    if after == before or (before is None and after not in BREACHED):
        return None
    if after in BREACHED:
        return 'protection_group.rpo.violated'
    if before in BREACHED and after in (OK, WARNING):
        return 'protection_group.rpo.restored'
    return 'protection_group.rpo.changed'
