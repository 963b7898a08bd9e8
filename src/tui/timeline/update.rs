//! Tidslinje's part of `update`: the lanes scroll, the calendar chooses a
//! meeting; writers plan one and tag the draft for it.

use crate::ops::Action as Permission;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::update::{move_in, refuse};

/// Handles an action in the Tidslinje view.
pub fn update(state: &mut State, action: Action) {
    match action {
        Action::Focus => state.timeline.calendar_focus = !state.timeline.calendar_focus,
        Action::PlanMeeting => {
            if !refuse(state, Permission::ManageMeetings) {
                crate::tui::popups::forms::plan_meeting(state);
            }
        }
        Action::TagMeeting => {
            if !refuse(state, Permission::ManageMeetings) {
                crate::tui::popups::forms::confirm_tag(state);
            }
        }
        other if state.timeline.calendar_focus => {
            let len = state.meeting_numbers().len();
            move_in(&mut state.timeline.meeting, len, &other, 5);
        }
        other => {
            let len = super::chart_scroll_max(state) + 1;
            move_in(&mut state.timeline.lanes_scroll, len, &other, 5);
        }
    }
}
