"""Recovery plan of a protection group: .../{pg}/plan.

The plan is ``{"devices": {...}, "subnets": {...}}`` in the Acura DR plan
format.  An invalid plan is answered with 400 and every problem listed;
the raised :class:`~protectorclient.exceptions.BadRequest` carries them.
A site that serves the whole Acura format (API 1.4) stores any of its
keys and answers warnings for those it keeps without applying them.
"""

from protectorclient.v1 import base


class PlanManager(base.Manager):

    def _path(self, group):
        return self.client.tenant_path('protection-groups', group, 'plan')

    def get(self, group):
        return self._unwrap(self.client.get(self._path(group)), 'plan')

    def update(self, group, plan, local=False):
        """Replace the plan; returns the stored plan."""
        return self.update_with_warnings(group, plan, local)[0]

    def update_with_warnings(self, group, plan, local=False):
        """Replace the plan; returns ``(stored plan, warnings)``.

        ``warnings`` name what of the plan the site keeps but does not
        apply; an older site answers none.  ``local``: see
        ``Manager._change`` (its API version answers warnings too).
        """
        if local:
            body = self._change('PUT', self._path(group), {'plan': plan},
                                local)
        else:
            body = self.client.put(self._path(group), {'plan': plan},
                                   prefer_version=base.ACURA_PLAN_VERSION)
        return self._unwrap(body, 'plan'), list(body.get('warnings') or [])
