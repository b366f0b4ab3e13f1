# Benchmark rule: every rollback step list has an owner who is not the requester.
package rollback

import rego.v1

warn_owner_is_requester contains {"msg": "the requester owns the rollback", "path": ["rollback", "owner"]} if {
	input.kind == "launch-request"
	input.rollback.owner == input.requester
}
