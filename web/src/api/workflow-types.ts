// Types of the workflow template API (public steps of a procedure, the template editor),
// derived from the server's template model. Type-only imports: no server code in the bundle.
import type { AgencyRule, Branch, Budget, StepAction, StepKind, StepRole, StepTemplate, WorkflowDefinition } from '../../../src/workflow/template.js';
import type { TimeLimit } from './types.js';

export type { AgencyRule, Branch, Budget, StepAction, StepKind, StepRole, StepTemplate, WorkflowDefinition };
export type BudgetUnit = Budget['unit'];
export type AgencyRuleKind = AgencyRule['kind'];

/** GET /api/procedures/:code/workflow — the steps in force today, for the public. */
export interface PublicWorkflow {
  templateVersion: number | null;
  isDefault: boolean;
  onlinePriorityDays: number;
  steps: {
    id: string;
    kind: StepKind;
    name: string;
    nameEn: string | null;
    role: StepRole;
    agency: AgencyRule;
    budget: Budget;
    branches: { task: string; agency: AgencyRule; budget: Budget }[];
  }[];
}

export interface WorkflowVersion {
  id: number;
  version: number;
  effectiveFrom: string;
  note: string | null;
  createdAt: string;
  definition: WorkflowDefinition;
}

/** GET /api/admin/workflows/:code — the editor's view of a procedure's templates. */
export interface AdminWorkflow {
  procedure: { code: string; name: string; timeLimit: TimeLimit };
  inForce: { version: number | null; definition: WorkflowDefinition };
  versions: WorkflowVersion[];
  vocabulary: { kinds: StepKind[]; actions: StepAction[]; roles: StepRole[] };
}

export interface TemplateProblem {
  field: string;
  message: string;
}

export interface WorkflowValidation {
  ok: boolean;
  problems: TemplateProblem[];
}

export interface WorkflowSave {
  definition: WorkflowDefinition;
  effectiveFrom: string;
  note?: string;
}
