package hellgate

// Keeping secrets (the credential and every key value the client has seen)
// out of error messages and logs in every form a server may write them:
// raw, JSON-escaped, URL-encoded and as HTML character references.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// redacted replaces a secret in error messages.
const redacted = "[REDACTED]"

// minSecretLen is the length below which a credential or key value is not
// masked or redacted. Real ones are far longer; a test token such as "t"
// would otherwise turn every "t" in messages and logs into a mask, and
// hiding so short a string protects nothing. It also keeps "" (which would
// match everywhere) out of the masks.
const minSecretLen = 6

// secret is one credential or key value to keep out of text, with the
// pattern that finds it in any of the forms servers write it in.
type secret struct {
	raw string
	// anchor is the longest run of ASCII letters and digits in raw. No
	// encoder escapes those, so every form of the secret holds the anchor
	// as it is, and text without it holds no form of the secret: most
	// text is let through by one strings.Contains.
	anchor string

	once sync.Once
	re   *regexp.Regexp // built on first use: most secrets are never looked for
}

func newSecret(raw string) *secret {
	s := &secret{raw: raw}
	start := -1
	for i := 0; i <= len(raw); i++ {
		if i < len(raw) && isAlnum(raw[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(s.anchor) {
			s.anchor = raw[start:i]
		}
		start = -1
	}
	return s
}

// pattern matches the secret raw, JSON-escaped, URL-encoded and
// HTML-escaped, and in any mix of those forms: each character other than a
// letter or digit may be written as itself, as a JSON \u escape with hex
// digits in either case (encoding/json writes \u003c for <, other encoders
// \u002B for +), as a JSON short escape (\/ for /, \" and \\), either
// of those with its backslash escaped again (JSON text quoted once more,
// by JSON or by Go's %q, as a decoder's error does: \\u0026, \\\"),
// percent-encoded in either case (query escaping also writes a space as
// +), or as an HTML character reference: decimal (&#43;, as html/template
// writes +), hexadecimal (&#x2B;, &#X2b;) or named (&amp;, &plus;), with
// or without leading zeros or the final semicolon (HTML decodes all of
// those).
func (s *secret) pattern() *regexp.Regexp {
	s.once.Do(func() {
		var b strings.Builder
		for i, w := 0, 0; i < len(s.raw); i += w {
			r, size := utf8.DecodeRuneInString(s.raw[i:])
			w = size
			if size == 1 && isAlnum(s.raw[i]) {
				b.WriteByte(s.raw[i])
				continue
			}
			alts := []string{regexp.QuoteMeta(s.raw[i : i+size])}
			if r != utf8.RuneError && r <= 0xffff {
				alts = append(alts, `\\+u`+hexAnyCase(fmt.Sprintf("%04x", r)))
			}
			switch r {
			case '/', '"', '\\':
				alts = append(alts, `\\+`+regexp.QuoteMeta(string(r)))
			case '\t':
				alts = append(alts, `\\+t`)
			case '\n':
				alts = append(alts, `\\+n`)
			case '\r':
				alts = append(alts, `\\+r`)
			case ' ':
				alts = append(alts, `\+`)
			}
			var pct strings.Builder
			for j := i; j < i+size; j++ {
				pct.WriteString("%" + hexAnyCase(fmt.Sprintf("%02x", s.raw[j])))
			}
			alts = append(alts, pct.String())
			if r != utf8.RuneError {
				alts = append(alts, fmt.Sprintf("&#0*%d;?", r), "&#[xX]0*"+hexAnyCase(fmt.Sprintf("%x", r))+";?")
				for _, name := range entityNames[r] {
					alts = append(alts, "&"+name+";?")
				}
			}
			b.WriteString("(?:" + strings.Join(alts, "|") + ")")
		}
		s.re = regexp.MustCompile(b.String())
	})
	return s.re
}

// entityNames are HTML's named character references for the ASCII
// characters that have one (letters and digits have none). A secret's
// other characters can still be written as numeric references.
var entityNames = map[rune][]string{
	'\t': {"Tab"}, '\n': {"NewLine"},
	'!': {"excl"}, '"': {"quot", "QUOT"}, '#': {"num"}, '$': {"dollar"}, '%': {"percnt"},
	'&': {"amp", "AMP"}, '\'': {"apos"}, '(': {"lpar"}, ')': {"rpar"}, '*': {"ast", "midast"},
	'+': {"plus"}, ',': {"comma"}, '.': {"period"}, '/': {"sol"}, ':': {"colon"}, ';': {"semi"},
	'<': {"lt", "LT"}, '=': {"equals"}, '>': {"gt", "GT"}, '?': {"quest"}, '@': {"commat"},
	'[': {"lsqb", "lbrack"}, '\\': {"bsol"}, ']': {"rsqb", "rbrack"}, '^': {"Hat"},
	'_': {"lowbar", "UnderBar"}, '`': {"grave", "DiacriticalGrave"},
	'{': {"lcub", "lbrace"}, '|': {"verbar", "vert", "VerticalLine"}, '}': {"rcub", "rbrace"},
}

// redact replaces every form of the secret in text.
func (s *secret) redact(text string) string {
	if s.anchor != "" && !strings.Contains(text, s.anchor) {
		return text
	}
	return s.pattern().ReplaceAllLiteralString(text, redacted)
}

// hexAnyCase turns hex digits into a pattern that matches them in either
// case.
func hexAnyCase(hex string) string {
	var b strings.Builder
	for _, c := range hex {
		if c >= 'a' && c <= 'f' {
			fmt.Fprintf(&b, "[%c%c]", c, c-'a'+'A')
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// rememberSecret adds a key value just received to the secrets redact
// removes.
func (c *Client) rememberSecret(raw string) {
	if len(raw) < minSecretLen {
		return
	}
	c.secretsMu.Lock()
	c.secrets = append(c.secrets, newSecret(raw))
	c.secretsMu.Unlock()
}

// redact removes every form of the credential and of every key_value seen
// from s, for text that ends up in an error message or a log (a server
// might echo a key back). Redact before truncating, or a cut secret would
// no longer match.
func (c *Client) redact(s string) string {
	if s == "" {
		return s
	}
	if c.credentialSecret != nil {
		s = c.credentialSecret.redact(s)
	}
	c.secretsMu.RLock()
	defer c.secretsMu.RUnlock()
	for _, secret := range c.secrets {
		s = secret.redact(s)
	}
	return s
}

// answerError builds the error for a 2xx answer the client cannot use.
// Its text quotes what the server sent (a decoder's complaint about a
// value, a links.next URL), which may echo a secret, so it passes redact,
// and it wraps nothing through which the text before redaction could be
// read.
func (c *Client) answerError(format string, args ...any) error {
	return errors.New(c.redact(fmt.Sprintf(format, args...)))
}
