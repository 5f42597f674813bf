"""Recovery plan of a protection group: .../{pg}/plan.

The plan is ``{"devices": {...}, "subnets": {...}}``.  An invalid plan is
answered with 400 and every problem listed; the raised
:class:`~protectorclient.exceptions.BadRequest` carries them.
"""

from protectorclient.v1 import base


class PlanManager(base.Manager):

    def _path(self, group):
        return self.client.tenant_path('protection-groups', group, 'plan')

    def get(self, group):
        return self._unwrap(self.client.get(self._path(group)), 'plan')

    def update(self, group, plan, local=False):
        """Replace the plan; ``local``: see ``Manager._change``."""
        body = self._change('PUT', self._path(group), {'plan': plan}, local)
        return self._unwrap(body, 'plan')
