// The words of an audit row's data live in shared/src/audit-details.ts, where the CSV export
// (server) finds them too.
export { auditDetails, type AuditDetail, type DetailContext, type DetailTexts } from '@amtsraum/shared';
