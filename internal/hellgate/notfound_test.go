package hellgate

import "testing"

// Shapes compare what an answer looks like, not what it says: the id in
// the message, a charset or the order of members make no difference; the
// media type, the kind of body and the member names do.
func TestShapeOf(t *testing.T) {
	t.Parallel()
	hellgates := shapeOf("application/json", []byte(`{"code":"not_found","message":"No API key with id \"a\" exists."}`))
	same := map[string]answerShape{
		"another id":        shapeOf("application/json", []byte(`{"code":"not_found","message":"No API key with id \"b\" exists."}`)),
		"a charset":         shapeOf("application/json; charset=utf-8", []byte(`{"code":"not_found","message":"x"}`)),
		"upper case":        shapeOf("Application/JSON", []byte(`{"code":"not_found","message":"x"}`)),
		"members reordered": shapeOf("application/json", []byte(` {"message":"x","code":"gone"}`)),
	}
	for name, s := range same {
		if s != hellgates {
			t.Errorf("%s: shape %+v, want %+v", name, s, hellgates)
		}
	}
	other := map[string]answerShape{
		"another member":     shapeOf("application/json", []byte(`{"message":"no Route matched with those values"}`)),
		"problem+json":       shapeOf("application/problem+json", []byte(`{"code":"not_found","message":"x"}`)),
		"nested":             shapeOf("application/json", []byte(`{"code":"not_found","message":{"text":"x"}}`)),
		"an array":           shapeOf("application/json", []byte(`[{"code":"not_found","message":"x"}]`)),
		"an HTML page":       shapeOf("text/html", []byte(`<html><head><title>404 Not Found</title></head></html>`)),
		"HTML without type":  shapeOf("", []byte(`<!DOCTYPE html><html></html>`)),
		"plain text":         shapeOf("text/plain; charset=utf-8", []byte("404 page not found\n")),
		"an empty body":      shapeOf("application/json", nil),
		"JSON as plain text": shapeOf("text/plain", []byte(`{"code":"not_found","message":"x"}`)),
	}
	for name, s := range other {
		if s == hellgates {
			t.Errorf("%s: shape %+v is taken for Hellgate's", name, s)
		}
	}
	if k := other["an HTML page"].kind; k != bodyHTML {
		t.Errorf("an HTML page is of kind %q", k)
	}
	if k := other["HTML without type"].kind; k != bodyHTML {
		t.Errorf("an HTML page without a Content-Type is of kind %q", k)
	}
}
