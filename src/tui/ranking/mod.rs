//! Tab 8, Prioritering: prioritisation rounds in the terminal. A member
//! ranks the open round's recommendations in a copy of the list (the same
//! keys as the writers' reorder), marks some "ingen holdning", adds short
//! reasons and saves it as one commit; everyone reads a round's results
//! (the picture of [`crate::ranking::render`] and a table of the rest);
//! writers open and close rounds and adopt the group's order. Every write
//! goes through the `Session::ranking_*` operations, as on the command line.

pub mod state;
pub mod update;
pub mod view;
