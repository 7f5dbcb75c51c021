// Placeholder: the scorecard helper writes this file (confirmations, unsaved-changes warning).
