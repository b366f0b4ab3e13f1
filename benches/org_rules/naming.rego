# Benchmark rule: service names are lower-case words joined by hyphens.
package naming

import rego.v1

deny_service_name contains {"msg": sprintf("service name %q is not kebab-case", [s]), "path": ["services", i]} if {
	input.kind == "launch-request"
	some i, s in input.services
	not regex.match(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`, s)
}
