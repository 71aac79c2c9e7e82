"""AWS API emulator for devctl's engine suite (tests only): moto's server on a loopback port.

devctl's own AWS calls (the ECS deployment watcher, the alarm soak gate) reach it through
DEVCTL_AWS_ENDPOINT_URL. The ECS services themselves are created by the local-cloud simulator (the programs'
provider), so the emulator registers a cluster and service the first time devctl describes one it does not
know; the suite seeds the alarms from the stack outputs. Moto does not model ECS rollouts or alarm history,
so two small additions:
  - every deployment reports rolloutState COMPLETED, unless <control dir>/ecs-rollouts.json says otherwise:
    {"<service name>": {"rolloutState": "FAILED", "rolloutStateReason": "...rolling back..."}}
  - DescribeAlarmHistory answers with no transitions (the alarms' current state comes from moto itself).
  - DescribeDBInstanceAutomatedBackups (devctl dr) answers from <control dir>/automated-backups.json, by the
    region asked, with the API's own fields (moto derives the list from snapshots it holds: no restore window,
    no source region, and the simulated databases are not in moto at all):
    {"<region>": [{"DBInstanceIdentifier": "...", "DBInstanceAutomatedBackupsArn": "...", "Region": "<source>",
                   "Status": "replicating", "RestoreWindow": {"EarliestTime": "<ISO>", "LatestTime": "<ISO>"}}]}
    An identifier with no entry gets DBInstanceAutomatedBackupNotFound, as from AWS: "no replicated backups yet".
Prints "listening <port>" on stdout once it serves, then runs until killed.
"""
import json
import os
import sys
import time

from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.ecs.models import EC2ContainerServiceBackend
from moto.rds.exceptions import RDSClientError
from moto.rds.responses import RDSResponse
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

CONTROL_DIR = os.environ["MOTO_CONTROL_DIR"]


def control(name):
    try:
        with open(os.path.join(CONTROL_DIR, name), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


describe_services = EC2ContainerServiceBackend.describe_services


def register_unknown(backend, cluster_name, service_names):
    if cluster_name not in backend.clusters:
        backend.create_cluster(cluster_name)
    family = "engine-suite"
    if family not in backend.task_definitions:
        backend.register_task_definition(family, [{"name": "app", "image": "app", "memory": 512}])
    for name in service_names:
        if f"{cluster_name}:{name.split('/')[-1]}" not in backend.services:
            backend.create_service(cluster_name, name.split("/")[-1], 1, task_definition_str=family)


def describe_services_with_rollouts(self, cluster_str, service_names):
    register_unknown(self, cluster_str.split("/")[-1], service_names)
    services, failures = describe_services(self, cluster_str, service_names)
    told = control("ecs-rollouts.json")
    for service in services:
        rollout = told.get(service.name, {})
        for deployment in service.deployments:
            deployment["rolloutState"] = rollout.get("rolloutState", "COMPLETED")
            deployment["rolloutStateReason"] = rollout.get("rolloutStateReason", "ECS deployment completed.")
    return services, failures


def describe_alarm_history(self):
    return ActionResult({"AlarmHistoryItems": []})


def describe_db_instance_automated_backups(self):
    identifier = self._get_param("DBInstanceIdentifier")
    entries = [e for e in control("automated-backups.json").get(self.region, []) if identifier in (None, e.get("DBInstanceIdentifier"))]
    if identifier is not None and not entries:
        raise RDSClientError("DBInstanceAutomatedBackupNotFoundFault", f"No automated backup found for {identifier} in {self.region}.")
    return ActionResult({"DBInstanceAutomatedBackups": entries})


EC2ContainerServiceBackend.describe_services = describe_services_with_rollouts
RDSResponse.describe_db_instance_automated_backups = describe_db_instance_automated_backups
CloudWatchResponse.describe_alarm_history = describe_alarm_history

server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 0, verbose=False)
server.start()
print(f"listening {server._server.server_port}", flush=True)  # moto keeps the bound server private
while True:
    time.sleep(3600)
