/* routes.c - the API's route table: each resource file registers its own
 * routes; this calls them in order. interop/ registers its routes itself
 * (interop_register_all), and app/ calls both. */
#include "api/alert.h"
#include "api/api.h"
#include "api/attachment.h"
#include "api/case_edit.h"
#include "api/grid.h"
#include "api/grid_event.h"
#include "api/mediation.h"
#include "api/mediation_doc.h"
#include "api/patrol.h"
#include "api/report.h"
#include "api/team.h"
#include "api/village_vote.h"
#include "api/risk.h"
#include "api/safety.h"
#include "api/village_affairs.h"
#include "api/village_proposal.h"
#include "api/village_meeting.h"
#include "api/psych.h"
#include "api/video.h"
#include "api/emergency.h"

void api_register_all(void)
{
	api_health_routes();
	api_session_routes();
	api_regions_routes();
	api_cases_routes();
	api_case_edit_routes();
	api_public_routes();
	api_stats_routes();
	api_notices_routes();
	api_queues_routes();
	api_notifications_routes();
	api_attachment_routes();
	api_notifications_stream_routes();
	api_mediation_routes();
	api_mediation_party_routes();
	api_mediation_join_routes();
	api_mediation_doc_routes();
	api_agreement_routes();
	api_verify_routes();
	api_grid_routes();
	api_patrol_routes();
	api_team_routes();
	api_village_vote_routes();
	api_grid_event_routes();
	api_report_routes();
	api_alert_routes();
	api_risk_routes();
	api_village_affairs_routes();
	api_village_proposal_routes();
	api_village_meeting_routes();
	api_safety_routes();
	api_psych_routes();
	api_video_routes();
	api_emergency_routes();
}
