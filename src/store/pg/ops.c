/* pg/ops.c - the engine's table of store_ops, naming each module's
 * functions: its own, and those written once for both engines
 * (STORE_SHARED_OPS). */
#include "store/pg/pg_internal.h"
#include "store/attachment.h"
#include "store/mediation.h"
#include "store/agreement.h"
#include "store/mediation_doc.h"
#include "store/grid.h"
#include "store/patrol.h"
#include "store/team.h"
#include "store/village_vote.h"
#include "store/psych.h"
#include "store/video.h"
#include "store/case_dup.h"
#include "store/report.h"
#include "store/risk.h"
#include "store/village_affairs.h"
#include "store/village_meeting.h"
#include "store/safety.h"
#include "store/emergency.h"
#include "store/sync.h"
#include "store/grid_event.h"
#include "store/alert.h"
#include "store/shared.h"

const struct store_ops store_pg_ops = {
	.version = STORE_OPS_VERSION,
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.conn_open = pg_conn_open,
	.conn_close = pg_conn_close,
	.migrate = pg_migrate,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.data_version = pg_data_version,
	.in_transaction = pg_in_transaction,
	.savepoint = pg_savepoint,
	.release = pg_release,
	.undo = pg_undo,
	.case_insert = pg_case_insert,
	.case_get = pg_case_get,
	.case_get_by_code = pg_case_get_by_code,
	.case_reindex = pg_case_reindex,
	.case_dup_candidates = pg_case_dup_candidates,
	.case_overdue_unnotified = pg_case_overdue_unnotified,
	.party_replace = pg_party_replace,
	.audit_append = pg_audit_append,
	.audit_iterate = pg_audit_iterate,
	.case_facts_set = pg_case_facts_set,
	.attachment = &shared_attachment_ops,
	.mediation = &shared_mediation_ops,
	.agreement = &shared_agreement_ops,
	.mediation_doc = &shared_mediation_doc_ops,
	.grid = &shared_grid_ops,
	.patrol = &shared_patrol_ops,
	.team = &shared_team_ops,
	.sync = &shared_sync_ops,
	.grid_event = &shared_grid_event_ops,
	.report = &shared_report_ops,
	.alert = &shared_alert_ops,
	.risk = &shared_risk_ops,
	.village_affairs = &shared_village_affairs_ops,
	STORE_SHARED_OPS,
	.village_vote = &shared_village_vote_ops,
	.village_meeting = &shared_village_meeting_ops,
	.safety = &shared_safety_ops,
	.psych = &shared_psych_ops,
	.video = &shared_video_ops,
	.emergency = &shared_emergency_ops,
	.case_dup = &shared_case_dup_ops,
};
