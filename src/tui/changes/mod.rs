//! Tab 6, Ændringer: what changed between two versions. Which versions and
//! where the view is ([`state`]), the comparison laid out as rows ([`doc`]),
//! `update` and `view`; the version picker popup is drawn here too.

pub mod doc;
pub mod state;
pub mod update;
pub mod view;
