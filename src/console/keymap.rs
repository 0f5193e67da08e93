//! The one table from keys to commands. `?` help is generated from it, so
//! the help can never disagree with what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::model::View;
use super::msg::Command;

/// Where the focus is; the same key means different things in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Table,
    Menu,
    Form,
    Confirm,
    /// The filter or command line.
    Input,
    /// Receiving mode's dock form.
    Dock,
    Help,
    Message,
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    shift: bool,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false, shift: false }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false, shift: false }
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true, shift: false }
}

const fn shift(code: KeyCode) -> Key {
    Key { code, ctrl: false, shift: true }
}

pub struct Binding {
    pub contexts: &'static [Context],
    pub keys: &'static [Key],
    pub command: Command,
    pub help: &'static str,
    /// The views the key is any use in (the help and the footer of others
    /// leave it out; pressing it there still says why it does nothing).
    pub views: &'static [View],
    /// Its word in the table's footer ("" for none): the footer is generated
    /// from this table, per view, like the help.
    pub footer: &'static str,
}

/// What a binding is unless it says otherwise: every view, not in the footer.
const PLAIN: Binding =
    Binding { contexts: &[], keys: &[], command: Command::Quit, help: "", views: &View::ALL, footer: "" };
/// The views whose rows are jobs and drives to act on.
const ACTIVE: &[View] = &[View::Attention, View::Jobs, View::Drives];

use Context::*;

const ANY: &[Context] = &[Table, Menu, Form, Confirm, Input, Help, Message, Dock];
const LISTS: &[Context] = &[Table, Menu, Help];

pub const BINDINGS: &[Binding] = &[
    Binding { contexts: ANY, keys: &[ctrl('c')], command: Command::Quit, help: "quit", ..PLAIN },
    Binding { contexts: &[Menu, Help], keys: &[k('q')], command: Command::Back, help: "close", ..PLAIN },
    Binding {
        contexts: &[Table],
        keys: &[k('1')],
        command: Command::ShowView(View::Attention),
        help: "Attention view",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('2')],
        command: Command::ShowView(View::Jobs),
        help: "Jobs view",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('3')],
        command: Command::ShowView(View::Drives),
        help: "Drives view",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('4')],
        command: Command::ShowView(View::Audit),
        help: "Audit view",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('5')],
        command: Command::ShowView(View::Archive),
        help: "Archive view",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[code(KeyCode::Tab)],
        command: Command::NextView,
        help: "next view",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[code(KeyCode::BackTab)],
        command: Command::PrevView,
        help: "previous view",
        ..PLAIN
    },
    Binding {
        contexts: LISTS,
        keys: &[code(KeyCode::Up), k('k')],
        command: Command::Up,
        help: "move up",
        ..PLAIN
    },
    Binding {
        contexts: LISTS,
        keys: &[code(KeyCode::Down), k('j')],
        command: Command::Down,
        help: "move down",
        ..PLAIN
    },
    Binding {
        contexts: &[Table, Help],
        keys: &[code(KeyCode::PageUp), ctrl('b')],
        command: Command::PageUp,
        help: "page up",
        ..PLAIN
    },
    Binding {
        contexts: &[Table, Help],
        keys: &[code(KeyCode::PageDown), ctrl('f')],
        command: Command::PageDown,
        help: "page down",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('g'), code(KeyCode::Home)],
        command: Command::Top,
        help: "first row",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('G'), code(KeyCode::End)],
        command: Command::Bottom,
        help: "last row",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[code(KeyCode::Enter), k('a')],
        command: Command::OpenActions,
        help: "actions valid now on the selection",
        views: ACTIVE,
        footer: "actions",
    },
    Binding {
        contexts: &[Table],
        keys: &[k(' ')],
        command: Command::ToggleMark,
        help: "mark or unmark a drive (Drives view)",
        views: &[View::Drives],
        footer: "mark",
    },
    Binding {
        contexts: &[Table],
        keys: &[k('u')],
        command: Command::ClearMarks,
        help: "unmark all drives",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('*'), ctrl('a')],
        command: Command::MarkAll,
        help: "mark every drive shown (the filter applies); again: unmark them",
        views: &[View::Drives],
        footer: "",
    },
    Binding {
        contexts: &[Table],
        keys: &[shift(KeyCode::Down)],
        command: Command::MarkDown,
        help: "mark this drive and move down: a range",
        views: &[View::Drives],
        footer: "",
    },
    Binding {
        contexts: &[Table],
        keys: &[shift(KeyCode::Up)],
        command: Command::MarkUp,
        help: "mark this drive and move up: a range",
        views: &[View::Drives],
        footer: "",
    },
    Binding {
        contexts: &[Table],
        keys: &[k('y')],
        command: Command::CopyId,
        help: "copy the row's id (JOB, JOB/DRIVE, arrival:ID) to the clipboard",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('Y')],
        command: Command::CopyTracking,
        help: "copy the row's tracking number to the clipboard",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('o')],
        command: Command::GoTo,
        help: "go to what the row is about: item → job or drive, drive → job, job → drives",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('r')],
        command: Command::BulkReceive,
        help: "receive the marked drives (D2/D4)",
        views: &[View::Drives],
        footer: "receive",
    },
    Binding {
        contexts: &[Table],
        keys: &[k('b')],
        command: Command::BulkShipBack,
        help: "ship back the marked drives (D8)",
        views: &[View::Drives],
        footer: "ship back",
    },
    Binding {
        contexts: &[Table],
        keys: &[k('R')],
        command: Command::Receive,
        help: "receiving mode: record a package at the dock (also :receive)",
        footer: "dock",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('/')],
        command: Command::StartFilter,
        help: "filter: text state: type: rule: overdue faulted (audit: who: since: until:)",
        footer: "filter",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k(':')],
        command: Command::StartCommand,
        help: "command: a view by name (:jobs …), :receive, :sweep, :import PATH, :q",
        footer: "command",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('s')],
        command: Command::SortNext,
        help: "sort by the next column",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('S')],
        command: Command::SortReverse,
        help: "reverse the sort",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('J')],
        command: Command::DetailDown,
        help: "scroll the detail pane down",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('K')],
        command: Command::DetailUp,
        help: "scroll the detail pane up",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('i')],
        command: Command::ShowRules,
        help: "the rules the row cites: their text and the seed sentences they come from",
        footer: "rule",
        ..PLAIN
    },
    Binding {
        contexts: &[Table, Help],
        keys: &[k('?')],
        command: Command::ToggleHelp,
        help: "this help",
        footer: "help",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('d')],
        command: Command::ToggleDetail,
        help: "show or hide the detail pane",
        footer: "detail",
        ..PLAIN
    },
    Binding {
        contexts: &[Table],
        keys: &[k('q')],
        command: Command::Quit,
        help: "quit",
        footer: "quit",
        ..PLAIN
    },
    Binding {
        contexts: &[Menu],
        keys: &[code(KeyCode::Enter)],
        command: Command::Select,
        help: "choose the action",
        ..PLAIN
    },
    Binding {
        contexts: &[Input],
        keys: &[code(KeyCode::Up)],
        command: Command::HistoryBack,
        help: "an earlier line (filters and commands each keep their own)",
        ..PLAIN
    },
    Binding {
        contexts: &[Input],
        keys: &[code(KeyCode::Down)],
        command: Command::HistoryForward,
        help: "a later line",
        ..PLAIN
    },
    Binding {
        contexts: &[Input],
        keys: &[code(KeyCode::Tab)],
        command: Command::Complete,
        help: "complete a command, a job name (:job) or a drive id (:drive)",
        ..PLAIN
    },
    Binding {
        contexts: &[Form, Input],
        keys: &[code(KeyCode::Enter)],
        command: Command::Select,
        help: "submit",
        ..PLAIN
    },
    Binding {
        contexts: &[Dock],
        keys: &[code(KeyCode::Enter)],
        command: Command::Select,
        help: "next field; in the serial field: take the scan (empty: review the package)",
        ..PLAIN
    },
    Binding {
        contexts: &[Form, Dock],
        keys: &[code(KeyCode::Tab), code(KeyCode::Down)],
        command: Command::NextField,
        help: "next field",
        ..PLAIN
    },
    Binding {
        contexts: &[Form, Dock],
        keys: &[code(KeyCode::BackTab), code(KeyCode::Up)],
        command: Command::PrevField,
        help: "previous field",
        ..PLAIN
    },
    Binding {
        contexts: &[Dock],
        keys: &[ctrl('d')],
        command: Command::RemoveScan,
        help: "remove the last scan",
        ..PLAIN
    },
    Binding {
        contexts: &[Confirm],
        keys: &[k('y'), code(KeyCode::Enter)],
        command: Command::Confirm,
        help: "apply the change",
        ..PLAIN
    },
    Binding { contexts: &[Confirm], keys: &[k('n')], command: Command::Back, help: "cancel", ..PLAIN },
    Binding {
        contexts: &[Message],
        keys: &[code(KeyCode::Enter), k('q')],
        command: Command::Back,
        help: "close",
        ..PLAIN
    },
    Binding {
        contexts: ANY,
        keys: &[code(KeyCode::Esc)],
        command: Command::Back,
        help: "back out; cancel a running :import",
        ..PLAIN
    },
];

impl Key {
    /// A key as the settings file writes it: `x`, `X`, `Ctrl-x`, `Space`,
    /// `Enter`, `Tab`, `Backspace`, `Home`, `End`, `PgUp`, `PgDn`, `F1`–`F12`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let (ctrl, name) = match text.strip_prefix("Ctrl-").or_else(|| text.strip_prefix("ctrl-")) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut chars = name.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => match name {
                "Space" => KeyCode::Char(' '),
                "Enter" => KeyCode::Enter,
                "Tab" => KeyCode::Tab,
                "Backspace" => KeyCode::Backspace,
                "Home" => KeyCode::Home,
                "End" => KeyCode::End,
                "PgUp" => KeyCode::PageUp,
                "PgDn" => KeyCode::PageDown,
                f if f.starts_with('F') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("'{text}' is not a key")),
                },
                _ => {
                    return Err(format!("'{text}' is not a key (x, Ctrl-x, Space, Enter, Tab, PgDn, F5, …)"));
                }
            },
        };
        if code == KeyCode::Esc || (ctrl && code == KeyCode::Char('c')) {
            return Err("Esc and Ctrl-C stay as they are".into());
        }
        Ok(Key { code, ctrl, shift: false })
    }

    fn same(&self, other: &Key) -> bool {
        (self.code, self.ctrl, self.shift) == (other.code, other.ctrl, other.shift)
    }

    fn matches(&self, event: &KeyEvent) -> bool {
        let has_ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        // Shift is part of a key only for the arrows (Shift-↓ marks a range):
        // a letter carries it in its case, Shift-Tab in its own code.
        let shift_matters = matches!(self.code, KeyCode::Up | KeyCode::Down);
        let has_shift = event.modifiers.contains(KeyModifiers::SHIFT);
        self.code == event.code && self.ctrl == has_ctrl && (!shift_matters || self.shift == has_shift)
    }

    pub fn label(&self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.shift) {
            (true, _) => format!("Ctrl-{name}"),
            (_, true) => format!("Shift-{name}"),
            _ => name,
        }
    }
}

/// The keys in force: the table above, with what the settings file remaps
/// (`[keys]`, a command's name and its key). Esc and Ctrl-C are never
/// remapped: there is always a way back and a way out.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// The keys of each binding of `BINDINGS`, by position.
    keys: Vec<Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap { keys: BINDINGS.iter().map(|b| b.keys.to_vec()).collect() }
    }
}

/// The table commands the settings file can give another key, by name.
pub const REMAPPABLE: &[(&str, Command)] = &[
    ("quit", Command::Quit),
    ("next-view", Command::NextView),
    ("up", Command::Up),
    ("down", Command::Down),
    ("page-up", Command::PageUp),
    ("page-down", Command::PageDown),
    ("first", Command::Top),
    ("last", Command::Bottom),
    ("detail", Command::ToggleDetail),
    ("detail-down", Command::DetailDown),
    ("detail-up", Command::DetailUp),
    ("actions", Command::OpenActions),
    ("mark", Command::ToggleMark),
    ("unmark-all", Command::ClearMarks),
    ("mark-all", Command::MarkAll),
    ("receive", Command::BulkReceive),
    ("ship-back", Command::BulkShipBack),
    ("dock", Command::Receive),
    ("go-to", Command::GoTo),
    ("copy-id", Command::CopyId),
    ("copy-tracking", Command::CopyTracking),
    ("rules", Command::ShowRules),
    ("filter", Command::StartFilter),
    ("command", Command::StartCommand),
    ("sort", Command::SortNext),
    ("reverse-sort", Command::SortReverse),
    ("help", Command::ToggleHelp),
];

impl Keymap {
    /// The table with `remaps` (command name → key) applied: the key leaves
    /// any other table binding it had.
    pub fn with_remaps(remaps: &std::collections::BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, text) in remaps {
            let command = REMAPPABLE.iter().find(|(n, _)| n == name).map(|(_, c)| *c).ok_or_else(|| {
                let names: Vec<&str> = REMAPPABLE.iter().map(|(n, _)| *n).collect();
                format!("[keys]: no command is called '{name}'; the names are {}", names.join(", "))
            })?;
            let key = Key::parse(text).map_err(|e| format!("[keys] {name}: {e}"))?;
            for (b, keys) in BINDINGS.iter().zip(map.keys.iter_mut()) {
                if b.contexts.contains(&Table) {
                    keys.retain(|k| !k.same(&key));
                }
            }
            // The table's own binding, never one that holds in every context
            // (Ctrl-C quits from anywhere and stays so).
            let at = BINDINGS
                .iter()
                .position(|b| b.command == command && b.contexts.contains(&Table) && b.contexts != ANY);
            if let Some(keys) = at.and_then(|at| map.keys.get_mut(at)) {
                *keys = vec![key];
            }
        }
        Ok(map)
    }

    fn bound(&self) -> impl Iterator<Item = (&'static Binding, &[Key])> {
        BINDINGS.iter().zip(self.keys.iter().map(Vec::as_slice))
    }

    /// The command a key means in a context, if any.
    pub fn command_for(&self, context: Context, event: &KeyEvent) -> Option<Command> {
        self.bound()
            .filter(|(b, _)| b.contexts.contains(&context))
            .find(|(_, keys)| keys.iter().any(|key| key.matches(event)))
            .map(|(b, _)| b.command)
    }

    /// Help lines for a context in a view: keys and what they do, in table order.
    pub fn help(&self, context: Context, view: View) -> Vec<(String, &'static str)> {
        self.bound()
            .filter(|(b, keys)| b.contexts.contains(&context) && b.views.contains(&view) && !keys.is_empty())
            .map(|(b, keys)| (keys.iter().map(Key::label).collect::<Vec<_>>().join(" "), b.help))
            .collect()
    }

    /// The table's footer in a view: each binding's first key and its footer
    /// word ("Enter actions", "/ filter", …), without the keys that write
    /// when the console is read-only.
    pub fn footer(&self, view: View, read_only: bool) -> Vec<String> {
        self.bound()
            .filter(|(b, _)| b.contexts.contains(&Table) && b.views.contains(&view) && !b.footer.is_empty())
            .filter(|(b, _)| !(read_only && b.command.writes()))
            .filter_map(|(b, keys)| keys.first().map(|key| format!("{} {}", key.label(), b.footer)))
            .collect()
    }

    /// How many lines the help has in a view: a title line and one per binding, per section.
    pub fn help_line_count(&self, view: View) -> usize {
        1 + self.help(Context::Table, view).len()
            + DIALOGS.iter().map(|(c, _)| 2 + self.help(*c, view).len()).sum::<usize>()
    }
}

/// The dialogs whose keys the help lists after the table's, with their titles.
pub const DIALOGS: &[(Context, &str)] = &[
    (Context::Menu, "Action menu"),
    (Context::Form, "Form"),
    (Context::Confirm, "Confirmation"),
    (Context::Dock, "Receiving mode"),
    (Context::Input, "Filter and command line"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn the_same_key_means_what_its_context_says() {
        let keys = Keymap::default();
        assert_eq!(keys.command_for(Context::Table, &key('q')), Some(Command::Quit));
        assert_eq!(keys.command_for(Context::Input, &key('q')), None, "q is typed into a filter");
        assert_eq!(keys.command_for(Context::Confirm, &key('y')), Some(Command::Confirm));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(keys.command_for(Context::Form, &ctrl_c), Some(Command::Quit));
    }

    /// The help popup is 100 columns wide: a line never runs under its border.
    #[test]
    fn every_help_line_fits_the_help_popup() {
        for b in BINDINGS {
            let keys: Vec<String> = b.keys.iter().map(Key::label).collect();
            let line = format!(" {:<20}{}", keys.join(" "), b.help);
            assert!(line.chars().count() <= 98, "{line}");
        }
    }

    #[test]
    fn help_is_generated_from_the_bindings() {
        let keys = Keymap::default();
        let lines = keys.help(Context::Table, View::Drives);
        assert!(lines.iter().any(|(keys, what)| keys == "↑ k" && *what == "move up"));
        assert_eq!(lines.len(), BINDINGS.iter().filter(|b| b.contexts.contains(&Context::Table)).count());
        assert!(keys.help(Context::Table, View::Audit).len() < lines.len(), "marks are not for audit events");
    }

    /// A remapped key does its new command (and only that), its old key no
    /// longer does; a name or key the table does not know is refused, and
    /// Esc and Ctrl-C cannot be taken.
    #[test]
    fn the_settings_file_remaps_keys() {
        let remap = |pairs: &[(&str, &str)]| {
            Keymap::with_remaps(&pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())
        };
        let keys = remap(&[("receive", "Ctrl-r"), ("rules", "r")]).expect("valid remaps");
        let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(keys.command_for(Context::Table, &ctrl_r), Some(Command::BulkReceive));
        assert_eq!(keys.command_for(Context::Table, &key('r')), Some(Command::ShowRules));
        assert_eq!(keys.command_for(Context::Table, &key('i')), None, "i no longer shows the rules");
        assert!(keys.footer(View::Drives, false).contains(&"Ctrl-r receive".to_string()));
        assert!(
            keys.help(Context::Table, View::Drives)
                .iter()
                .any(|(k, h)| k == "r" && h.starts_with("the rules"))
        );

        let unknown = remap(&[("recieve", "x")]).unwrap_err();
        assert!(
            unknown.starts_with("[keys]: no command is called 'recieve'; the names are quit,"),
            "{unknown}"
        );
        assert_eq!(remap(&[("quit", "Ctrl-c")]).unwrap_err(), "[keys] quit: Esc and Ctrl-C stay as they are");
        assert!(remap(&[("quit", "Hyper-q")]).unwrap_err().contains("'Hyper-q' is not a key"));
    }

    /// Remapping `quit` moves `q`, not Ctrl-C: a letter typed into a line
    /// stays a letter, and Ctrl-C still quits from anywhere.
    #[test]
    fn remapping_quit_leaves_ctrl_c_and_text_inputs_alone() {
        let keys = Keymap::with_remaps(&[("quit".to_string(), "x".to_string())].into_iter().collect())
            .expect("valid");
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(keys.command_for(Context::Table, &key('x')), Some(Command::Quit));
        assert_eq!(keys.command_for(Context::Input, &key('x')), None, "typed into the line");
        assert_eq!(keys.command_for(Context::Form, &key('x')), None);
        assert_eq!(keys.command_for(Context::Input, &ctrl_c), Some(Command::Quit));
        assert_eq!(keys.command_for(Context::Table, &key('q')), None, "q no longer quits");
    }
}
