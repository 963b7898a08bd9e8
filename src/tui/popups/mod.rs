//! Popups over the views: the export form, small decisions (rank, horizon,
//! status, meetings, questions), and drawing them all with the text editor,
//! threads and messages. Their keys are in the key table like every other.

pub mod export;
pub mod export_view;
pub mod forms;
pub mod suggestion;
pub mod sync_view;
pub mod view;
