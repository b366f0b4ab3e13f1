# Benchmark rule: a migration of a `*-db` service needs a DBA's approval.
package org.db

import rego.v1

db_services := [s | some s in input.services; endswith(s, "-db")]

migrates if {
	some step in input.steps
	contains(lower(step.action), "migration")
}

dba_approved if {
	some approval in input.approvals
	approval.role == "dba"
}

deny_migration_without_dba contains {"msg": "the migration has no approval by a DBA", "path": ["approvals"]} if {
	input.kind == "launch-request"
	count(db_services) > 0
	migrates
	not dba_approved
}
