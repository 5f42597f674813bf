"""etc/protector/prometheus-alerts.yaml against the metrics we expose."""

import os
import re

import prometheus_client
from prometheus_client import parser
import yaml

from protector.db import api as db
from protector.health import metrics
from protector.tests.unit.health import test_metrics

RULES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                     'etc', 'protector', 'prometheus-alerts.yaml')
# A metric name in PromQL (not a label value: those are quoted).
NAME = re.compile(r'(?<![\w"])(protector_[a-z0-9_]+)')
LABEL = re.compile(r'\$labels\.([a-z_]+)')
# Prometheus adds these to every series it scrapes.
TARGET_LABELS = {'instance', 'job'}


class TestAlertRules(test_metrics.MetricsTestCase):

    def setUp(self):
        super().setUp()
        with open(RULES) as rules:
            self.rules = [rule for group in yaml.safe_load(rules)['groups']
                          for rule in group['rules']]
        # A site and a group with every metric present.
        group = self.group('web-tier')
        self.look(group, 100.0, 'ok', transfers=[{'progress': 0.5}])
        db.site_health_record(self.context, self.site_b.id, True, '',
                              test_metrics.NOW)
        text = prometheus_client.generate_latest(metrics.registry()).decode()
        self.exposed = {}
        for family in parser.text_string_to_metric_families(text):
            for sample in family.samples:
                self.exposed.setdefault(sample.name, set()).update(
                    sample.labels)

    def test_every_expression_names_only_exposed_metrics(self):
        named = set()
        for rule in self.rules:
            names = NAME.findall(rule['expr'])
            self.assertTrue(names, rule['alert'])
            for name in names:
                self.assertIn(name, self.exposed,
                              '%s: %s' % (rule['alert'], name))
            named.update(names)
        # Every metric of groups and sites is watched by some alert.
        self.assertLessEqual(
            {'protector_protection_group_rpo_seconds',
             'protector_protection_group_rpo_target_seconds',
             'protector_protection_group_failover_ready',
             'protector_site_up', 'protector_database_up',
             'protector_operation_duration_seconds_count'}, named)

    def test_annotations_use_labels_the_metrics_have(self):
        for rule in self.rules:
            have = set(TARGET_LABELS)
            for name in NAME.findall(rule['expr']):
                have |= self.exposed[name]
            for text in rule['annotations'].values():
                for label in LABEL.findall(text):
                    self.assertIn(label, have,
                                  '%s: $labels.%s' % (rule['alert'], label))

    def test_every_alert_says_what_to_run(self):
        for rule in self.rules:
            self.assertIn(rule['labels']['severity'],
                          ('warning', 'major', 'critical'), rule['alert'])
            self.assertEqual({'summary', 'description'},
                             set(rule['annotations']), rule['alert'])
            self.assertRegex(rule['annotations']['description'],
                             r"'openstack protector |GET /v1/|protector\.conf"
                             r"|protector-engine",
                             rule['alert'])
