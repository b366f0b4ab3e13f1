# Benchmark rule: high-risk launches name their change ticket.
package ticket

import rego.v1

warn_missing_ticket contains {"msg": sprintf("%s names no change ticket", [input.id]), "path": ["x-ticket"]} if {
	input.kind == "launch-request"
	input.risk in {"high", "critical"}
	not input["x-ticket"]
}
