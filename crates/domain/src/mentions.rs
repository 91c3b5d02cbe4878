//! Mentions of people on this server in a post's Markdown: `@name` or `@name@this-host`.
//! Markdown does not link them, so the server finds them here to tell the people named.
//! Names follow the username rule (`a-z 0-9 _ -`, case-insensitive); code (between
//! backticks or in fenced blocks) and e-mail addresses (`ann@example.org`) mention no one.

/// The lowercase usernames of local people mentioned in `markdown`, each once, in order.
/// `@name@host` counts only when `host` is `local_domain` (people elsewhere are not ours).
pub fn local_mentions(markdown: &str, local_domain: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Odd-numbered backtick spans are inline code.
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                scan(part, local_domain, &mut out);
            }
        }
    }
    out
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ':'
}

fn scan(text: &str, local_domain: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // An `@` right after a word character is inside an address, not a mention.
        let starts = chars[i] == '@' && (i == 0 || !(name_char(chars[i - 1]) || chars[i - 1] == '.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && name_char(chars[j]) {
            j += 1;
        }
        let name: String = chars[i + 1..j].iter().collect::<String>().trim_end_matches('-').to_ascii_lowercase();
        let mut local = true;
        let mut end = j;
        if j < chars.len() && chars[j] == '@' {
            let mut k = j + 1;
            while k < chars.len() && host_char(chars[k]) {
                k += 1;
            }
            // A sentence's full stop or colon is not part of the host.
            let host: String =
                chars[j + 1..k].iter().collect::<String>().trim_end_matches(['.', ':']).to_ascii_lowercase();
            local = host.is_empty() || host == local_domain.to_ascii_lowercase();
            end = k;
        }
        if local && (3..=30).contains(&name.len()) && !name.starts_with('-') && !out.contains(&name) {
            out.push(name);
        }
        i = end.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Vec<String> {
        local_mentions(s, "alpha.example")
    }

    #[test]
    fn bare_and_local_host_mentions_count_once() {
        assert_eq!(m("hi @ann and @Bob, also @ann@alpha.example."), ["ann", "bob"]);
        assert_eq!(m("@ann@ALPHA.example: see"), ["ann"]);
        assert_eq!(m("(@carl_x) and @dee-e."), ["carl_x", "dee-e"]);
    }

    #[test]
    fn other_servers_addresses_and_code_mention_no_one() {
        assert!(m("@ann@beta.example").is_empty());
        assert!(m("write to ann@alpha.example or x.@bob").is_empty());
        assert!(m("`@ann` is code").is_empty());
        assert!(m("```\n@ann\n```\n").is_empty());
        assert_eq!(m("```\n@ann\n```\nthen @bob"), ["bob"]);
    }

    #[test]
    fn names_outside_the_username_rule_are_ignored() {
        assert!(m("@ab is too short, @ alone, @@ann?").is_empty());
        assert!(m("@ab").is_empty());
        assert!(m(&format!("@{}", "a".repeat(31))).is_empty());
        assert!(m("email@").is_empty());
    }
}
