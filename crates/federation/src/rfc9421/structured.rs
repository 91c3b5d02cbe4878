//! RFC 8941 structured field values: just the dictionaries of inner lists with parameters
//! that `Signature-Input` and `Signature` use, and `Content-Digest`'s byte sequences.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

// ---------------------------------------------------------------------------
// RFC 8941 structured fields: just enough for dictionaries
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Bare {
    Int(i64),
    /// Kept as text; never needed numerically here.
    Dec(String),
    Str(String),
    Token(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

type Params = Vec<(String, Bare)>;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Item {
    pub(super) bare: Bare,
    pub(super) params: Params,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Item(Item),
    Inner(Vec<Item>),
}

#[derive(Debug, Clone)]
pub(super) struct Member<'s> {
    pub(super) key: String,
    pub(super) value: Value,
    /// Parameters of the member (for an inner list: the list's parameters).
    pub(super) params: Params,
    /// The member value (inner list or item, with its parameters) as written.
    pub(super) raw: std::borrow::Cow<'s, str>,
}

impl Member<'_> {
    pub(super) fn into_owned(self) -> Member<'static> {
        Member { key: self.key, value: self.value, params: self.params, raw: self.raw.into_owned().into() }
    }
}

pub(super) fn serialize_sf_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

pub(super) struct SfParser<'a> {
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

/// RFC 8941 section 4.2.2. A repeated key overwrites the earlier value in place.
pub(super) fn parse_dictionary(input: &str) -> Result<Vec<Member<'_>>, String> {
    let s = input.trim_matches(' ');
    let mut p = SfParser { s, b: s.as_bytes(), i: 0 };
    let mut out: Vec<Member<'_>> = Vec::new();
    while p.i < p.b.len() {
        let key = p.key()?;
        let start;
        let (value, params) = if p.peek() == Some(b'=') {
            p.i += 1;
            start = p.i;
            p.item_or_inner_list()?
        } else {
            start = p.i;
            let params = p.params()?;
            (Value::Item(Item { bare: Bare::Bool(true), params: params.clone() }), params)
        };
        let member = Member { key, value, params, raw: p.s[start..p.i].into() };
        match out.iter_mut().find(|m| m.key == member.key) {
            Some(existing) => *existing = member,
            None => out.push(member),
        }
        p.skip_ows();
        if p.i == p.b.len() {
            break;
        }
        if p.peek() != Some(b',') {
            return Err(format!("expected ',' at {}", p.i));
        }
        p.i += 1;
        p.skip_ows();
        if p.i == p.b.len() {
            return Err("trailing comma".into());
        }
    }
    Ok(out)
}

impl SfParser<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    pub(super) fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    pub(super) fn key(&mut self) -> Result<String, String> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => self.i += 1,
            _ => return Err(format!("expected a key at {start}")),
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c)) {
            self.i += 1;
        }
        Ok(self.s[start..self.i].to_string())
    }

    /// Returns the value and the parameters attached to it (item or inner list).
    pub(super) fn item_or_inner_list(&mut self) -> Result<(Value, Params), String> {
        if self.peek() == Some(b'(') {
            self.i += 1;
            let mut items = Vec::new();
            loop {
                self.skip_sp();
                match self.peek() {
                    Some(b')') => {
                        self.i += 1;
                        break;
                    }
                    None => return Err("unterminated inner list".into()),
                    _ => {}
                }
                let bare = self.bare()?;
                let params = self.params()?;
                items.push(Item { bare, params });
                if !matches!(self.peek(), Some(b' ' | b')')) {
                    return Err(format!("expected ' ' or ')' at {}", self.i));
                }
            }
            let params = self.params()?;
            Ok((Value::Inner(items), params))
        } else {
            let bare = self.bare()?;
            let params = self.params()?;
            Ok((Value::Item(Item { bare, params: params.clone() }), params))
        }
    }

    pub(super) fn params(&mut self) -> Result<Params, String> {
        let mut out: Params = Vec::new();
        while self.peek() == Some(b';') {
            self.i += 1;
            self.skip_sp();
            let key = self.key()?;
            let value = if self.peek() == Some(b'=') {
                self.i += 1;
                self.bare()?
            } else {
                Bare::Bool(true)
            };
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(existing) => existing.1 = value,
                None => out.push((key, value)),
            }
        }
        Ok(out)
    }

    pub(super) fn bare(&mut self) -> Result<Bare, String> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => self.string(),
            Some(b':') => self.bytes(),
            Some(b'?') => match self.b.get(self.i + 1) {
                Some(b'0') => {
                    self.i += 2;
                    Ok(Bare::Bool(false))
                }
                Some(b'1') => {
                    self.i += 2;
                    Ok(Bare::Bool(true))
                }
                _ => Err(format!("bad boolean at {}", self.i)),
            },
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => {
                let start = self.i;
                self.i += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c)) {
                    self.i += 1;
                }
                Ok(Bare::Token(self.s[start..self.i].to_string()))
            }
            _ => Err(format!("expected a value at {}", self.i)),
        }
    }

    pub(super) fn number(&mut self) -> Result<Bare, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits_start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let int_digits = self.i - digits_start;
        if int_digits == 0 {
            return Err(format!("expected a digit at {}", self.i));
        }
        if self.peek() != Some(b'.') {
            if int_digits > 15 {
                return Err("integer too long".into());
            }
            return self.s[start..self.i].parse().map(Bare::Int).map_err(|e| e.to_string());
        }
        self.i += 1;
        let frac_start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let frac = self.i - frac_start;
        if int_digits > 12 || frac == 0 || frac > 3 {
            return Err("bad decimal".into());
        }
        Ok(Bare::Dec(self.s[start..self.i].to_string()))
    }

    pub(super) fn string(&mut self) -> Result<Bare, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err("unterminated string".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Bare::Str(out));
                }
                Some(b'\\') => {
                    match self.b.get(self.i + 1) {
                        Some(&c @ (b'"' | b'\\')) => out.push(c as char),
                        _ => return Err("bad escape in string".into()),
                    }
                    self.i += 2;
                }
                Some(c @ 0x20..=0x7e) => {
                    out.push(c as char);
                    self.i += 1;
                }
                Some(_) => return Err("invalid character in string".into()),
            }
        }
    }

    pub(super) fn bytes(&mut self) -> Result<Bare, String> {
        self.i += 1;
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || b"+/=".contains(&c)) {
            self.i += 1;
        }
        if self.peek() != Some(b':') {
            return Err("unterminated byte sequence".into());
        }
        let b64 = &self.s[start..self.i];
        self.i += 1;
        // RFC 8941 section 4.2.7: parsers SHOULD NOT fail on missing padding.
        const LENIENT: GeneralPurpose = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        LENIENT.decode(b64).map(Bare::Bytes).map_err(|e| format!("bad base64: {e}"))
    }
}
