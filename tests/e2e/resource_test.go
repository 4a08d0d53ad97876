package e2e

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

func createResource(t *testing.T, u user, body any) map[string]any {
	t.Helper()
	r := do(t, "POST", "/api/v1/resources", u.token, body)
	if r.status != 201 {
		t.Fatalf("POST /resources: %d %s", r.status, r.raw)
	}
	return r.data()
}

func TestResourceCRUD(t *testing.T) {
	u := newUser() // never read its profile: the first write creates it
	created := createResource(t, u, map[string]any{"title": "First"})
	if created["title"] != "First" || created["content"] != "" || created["status"] != "pending" ||
		created["user_id"] != u.id || created["content_truncated"] != false || len(created) != 9 {
		t.Fatalf("created: %v", created)
	}
	if m, ok := created["metadata"].(map[string]any); !ok || len(m) != 0 {
		t.Fatalf("default metadata: %v", created["metadata"])
	}
	if _, err := time.Parse(time.RFC3339Nano, created["created_at"].(string)); err != nil {
		t.Fatalf("created_at: %v", created["created_at"])
	}
	id := created["id"].(string)

	got := do(t, "GET", "/api/v1/resources/"+id, u.token, nil)
	if got.status != 200 || got.data()["id"] != id {
		t.Fatalf("GET: %d %s", got.status, got.raw)
	}

	patched := do(t, "PATCH", "/api/v1/resources/"+id, u.token, map[string]any{
		"content": "Body text\nwith lines", "metadata": map[string]any{"tags": []any{"a", "b"}, "n": 3}})
	if patched.status != 200 || patched.data()["content"] != "Body text\nwith lines" || patched.data()["title"] != "First" {
		t.Fatalf("PATCH: %d %s", patched.status, patched.raw)
	}
	if m := patched.data()["metadata"].(map[string]any); m["n"] != float64(3) {
		t.Fatalf("metadata: %v", m)
	}
	if patched.data()["updated_at"] == created["updated_at"] {
		t.Errorf("updated_at not bumped")
	}
	archived := do(t, "PATCH", "/api/v1/resources/"+id, u.token, map[string]any{"status": "archived"})
	if archived.data()["status"] != "archived" {
		t.Fatalf("archive: %s", archived.raw)
	}
	back := do(t, "PATCH", "/api/v1/resources/"+id, u.token, map[string]any{"status": "pending"})
	if back.data()["status"] != "pending" {
		t.Fatalf("unarchive: %s", back.raw)
	}

	del := do(t, "DELETE", "/api/v1/resources/"+id, u.token, nil)
	if del.status != 204 || len(del.raw) != 0 {
		t.Fatalf("DELETE: %d %q", del.status, del.raw)
	}
	expectError(t, do(t, "GET", "/api/v1/resources/"+id, u.token, nil), 404, "NOT_FOUND")
	expectError(t, do(t, "DELETE", "/api/v1/resources/"+id, u.token, nil), 404, "NOT_FOUND")
}

func TestResourceListPaginationFilterAndSort(t *testing.T) {
	u := newUser()
	titles := []string{"delta", "alpha", "charlie", "bravo", "echo"}
	for i, title := range titles {
		r := createResource(t, u, map[string]any{"title": title})
		if i < 2 {
			do(t, "PATCH", "/api/v1/resources/"+r["id"].(string), u.token, map[string]any{"status": "archived"})
		}
	}
	list := func(query string) response {
		r := do(t, "GET", "/api/v1/resources"+query, u.token, nil)
		if r.status != 200 {
			t.Fatalf("GET /resources%s: %d %s", query, r.status, r.raw)
		}
		return r
	}
	titlesOf := func(r response) []string {
		var out []string
		for _, item := range r.body["data"].([]any) {
			out = append(out, item.(map[string]any)["title"].(string))
		}
		return out
	}
	meta := func(r response) string {
		m := r.body["meta"].(map[string]any)
		return fmt.Sprintf("%v/%v/%v/%v", m["page"], m["limit"], m["total"], m["total_pages"])
	}

	all := list("")
	if got := titlesOf(all); strings.Join(got, ",") != "echo,bravo,charlie,alpha,delta" {
		t.Errorf("default order (newest first): %v", got)
	}
	if meta(all) != "1/20/5/1" {
		t.Errorf("meta %s", meta(all))
	}
	p2 := list("?page=2&limit=2")
	if got := titlesOf(p2); strings.Join(got, ",") != "charlie,alpha" || meta(p2) != "2/2/5/3" {
		t.Errorf("page 2: %v %s", got, meta(p2))
	}
	past := list("?page=9&limit=2")
	if len(past.body["data"].([]any)) != 0 || meta(past) != "9/2/5/3" {
		t.Errorf("past the end: %s", past.raw)
	}
	archived := list("?status=archived")
	if got := titlesOf(archived); len(got) != 2 || meta(archived) != "1/20/2/1" {
		t.Errorf("status filter: %v %s", got, meta(archived))
	}
	asc := titlesOf(list("?sort=title"))
	if !sort.StringsAreSorted(asc) || len(asc) != 5 {
		t.Errorf("sort=title: %v", asc)
	}
	desc := titlesOf(list("?sort=-title"))
	if strings.Join(desc, ",") != "echo,delta,charlie,bravo,alpha" {
		t.Errorf("sort=-title: %v", desc)
	}
	if got := titlesOf(list("?sort=created_at")); strings.Join(got, ",") != "delta,alpha,charlie,bravo,echo" {
		t.Errorf("sort=created_at: %v", got)
	}
	var charlie string
	for _, item := range all.body["data"].([]any) {
		if m := item.(map[string]any); m["title"] == "charlie" {
			charlie = m["id"].(string)
		}
	}
	do(t, "PATCH", "/api/v1/resources/"+charlie, u.token, map[string]any{"content": "touched"})
	if got := titlesOf(list("?sort=-updated_at")); got[0] != "charlie" {
		t.Errorf("sort=-updated_at: most recently updated first, got %v", got)
	}
	for _, limit := range []string{"1", "100"} {
		if r := list("?limit=" + limit); r.body["meta"].(map[string]any)["limit"] != mustFloat(limit) {
			t.Errorf("limit=%s: %s", limit, r.raw)
		}
	}
}

func mustFloat(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

func TestResourceListValidation(t *testing.T) {
	u := newUser()
	for query, field := range map[string]string{
		"?limit=0":        "limit",
		"?limit=101":      "limit",
		"?limit=-1":       "limit",
		"?page=0":         "page",
		"?page=-3":        "page",
		"?limit=abc":      "limit",
		"?page=1.5":       "page",
		"?status=deleted": "status",
		"?status=" + url.QueryEscape("pending' or '1'='1"): "status",
		"?sort=id": "sort",
		"?sort=" + url.QueryEscape("created_at; drop table resources"): "sort",
	} {
		r := do(t, "GET", "/api/v1/resources"+query, u.token, nil)
		expectError(t, r, 400, "VALIDATION_ERROR")
		if f := r.errorFields(); len(f) == 0 || f[0] != field {
			t.Errorf("%s: fields %v, want %s (%s)", query, f, field, r.raw)
		}
	}
	// Several bad parameters are all reported.
	r := do(t, "GET", "/api/v1/resources?page=0&limit=500&sort=x", u.token, nil)
	if f := r.errorFields(); len(f) != 3 {
		t.Errorf("want 3 violations, got %v", f)
	}
}

func TestResourceBodyValidation(t *testing.T) {
	u := newUser()
	snowmen200 := strings.Repeat("☃", 200)
	ok := []map[string]any{
		{"title": "a"},
		{"title": strings.Repeat("t", 200)},
		{"title": snowmen200},
		{"title": "x", "content": strings.Repeat("c", 100000)},
		{"title": "x", "content": strings.Repeat("é", 100000)},
		{"title": "x", "metadata": map[string]any{"k": strings.Repeat("m", 16*1024-8)}}, // {"k":"…"} = 16 KiB
	}
	for _, body := range ok {
		if r := do(t, "POST", "/api/v1/resources", u.token, body); r.status != 201 {
			t.Errorf("should be accepted: %d %s", r.status, string(r.raw[:min(len(r.raw), 300)]))
		}
	}
	bad := []struct {
		name, body, field string
	}{
		{"missing title", `{}`, "title"},
		{"empty title", `{"title": ""}`, "title"},
		{"title 201", `{"title": "` + strings.Repeat("t", 201) + `"}`, "title"},
		{"title 201 unicode", `{"title": "` + snowmen200 + `☃"}`, "title"},
		{"title with newline", `{"title": "a\nb"}`, "title"},
		{"content 100001", `{"title": "x", "content": "` + strings.Repeat("c", 100001) + `"}`, "content"},
		{"content NUL", `{"title": "x", "content": "a\u0000b"}`, "content"},
		{"metadata over 16 KiB", `{"title": "x", "metadata": {"k": "` + strings.Repeat("m", 16*1024-7) + `"}}`, "metadata"},
		{"metadata NUL", `{"title": "x", "metadata": {"k": "\u0000"}}`, "metadata"},
		{"metadata array", `{"title": "x", "metadata": [1, 2]}`, "body"},
		{"metadata string", `{"title": "x", "metadata": "x"}`, "body"},
		{"unknown field", `{"title": "x", "owner": "someone"}`, "owner"},
		{"user_id is not settable", `{"title": "x", "user_id": "` + newUUID() + `"}`, "user_id"},
		{"status is not settable on create", `{"title": "x", "status": "completed"}`, "status"},
		{"malformed", `{"title": `, "body"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, "POST", "/api/v1/resources", u.token, c.body)
			expectError(t, r, 400, "VALIDATION_ERROR")
			if f := r.errorFields(); len(f) == 0 || f[0] != c.field {
				t.Errorf("fields %v, want %s: %s", f, c.field, r.raw[:min(len(r.raw), 300)])
			}
		})
	}
	multi := do(t, "POST", "/api/v1/resources", u.token, `{"title": "", "content": "`+strings.Repeat("c", 100001)+`"}`)
	if f := multi.errorFields(); len(f) != 2 {
		t.Errorf("every bad field should be listed, got %v", f)
	}
	if n := psql(t, "select count(*) from resources where user_id = '"+u.id+"'"); n != fmt.Sprint(len(ok)) {
		t.Errorf("rows after rejected creates: %s, want %d", n, len(ok))
	}
}

func TestResourcePatchValidation(t *testing.T) {
	u := newUser()
	id := createResource(t, u, map[string]any{"title": "keep", "content": "keep"})["id"].(string)
	before := psql(t, "select row_to_json(r)::text from resources r where id = '"+id+"'")
	for _, c := range []struct{ name, body, field string }{
		{"empty", `{}`, "body"},
		{"status completed", `{"status": "completed"}`, "status"},
		{"status processing", `{"status": "processing"}`, "status"},
		{"status unknown", `{"status": "deleted"}`, "status"},
		{"title empty", `{"title": ""}`, "title"},
		{"title null", `{"title": null}`, "title"},
		{"metadata null", `{"metadata": null}`, "metadata"},
		{"user_id", `{"user_id": "` + newUUID() + `"}`, "user_id"},
		{"id in body", `{"id": "` + newUUID() + `"}`, "id"},
		{"title too long", `{"title": "` + strings.Repeat("t", 201) + `"}`, "title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, "PATCH", "/api/v1/resources/"+id, u.token, c.body)
			expectError(t, r, 400, "VALIDATION_ERROR")
			if f := r.errorFields(); len(f) == 0 || f[0] != c.field {
				t.Errorf("fields %v, want %s: %s", f, c.field, r.raw)
			}
		})
	}
	if after := psql(t, "select row_to_json(r)::text from resources r where id = '"+id+"'"); after != before {
		t.Errorf("a rejected PATCH changed the row")
	}
}

func TestResourceIdMustBeUUID(t *testing.T) {
	u := newUser()
	for _, id := range []string{"123", "not-a-uuid", url.PathEscape("' or 1=1 --"), strings.Repeat("a", 36)} {
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			r := do(t, method, "/api/v1/resources/"+id, u.token, `{"title":"x"}`)
			expectError(t, r, 400, "VALIDATION_ERROR")
			if f := r.errorFields(); len(f) == 0 || f[0] != "id" {
				t.Errorf("%s %s: fields %v", method, id, f)
			}
		}
	}
	expectError(t, do(t, "GET", "/api/v1/resources/"+newUUID(), u.token, nil), 404, "NOT_FOUND")
}

func TestResourceHostileText(t *testing.T) {
	u := newUser()
	hostile := []string{
		"Robert'); DROP TABLE resources;--",
		`1' OR '1'='1`,
		`"; select pg_sleep(10); --`,
		`$1 $$ \x00 \\ %s %n {{.}} ${jndi:ldap://x}`,
		"<script>alert(1)</script>",
		"日本語 😀 Ünïcödé \u202eRTL",
	}
	for _, s := range hostile {
		body := map[string]any{"title": s, "content": s + "\n" + s, "metadata": map[string]any{s: s, "nested": map[string]any{"k": s}}}
		created := createResource(t, u, body)
		if created["title"] != s || created["content"] != s+"\n"+s {
			t.Fatalf("round trip of %q: %v", s, created)
		}
		m := created["metadata"].(map[string]any)
		if m[s] != s || m["nested"].(map[string]any)["k"] != s {
			t.Fatalf("metadata round trip of %q: %v", s, m)
		}
		patched := do(t, "PATCH", "/api/v1/resources/"+created["id"].(string), u.token, map[string]any{"title": s + "!"})
		if patched.data()["title"] != s+"!" {
			t.Fatalf("patch round trip of %q: %s", s, patched.raw)
		}
	}
	if n := psql(t, "select count(*) from resources where user_id = '"+u.id+"'"); n != fmt.Sprint(len(hostile)) {
		t.Fatalf("rows: %s", n)
	}
}

// User B tries every verb on user A's ids: always 404, and A's rows are
// byte-for-byte unchanged.
func TestCrossTenantIsolation(t *testing.T) {
	a, b := newUser(), newUser()
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, createResource(t, a, map[string]any{"title": fmt.Sprintf("secret %d", i), "content": "A's"})["id"].(string))
	}
	createResource(t, b, map[string]any{"title": "B's own"})
	snapshot := func() string {
		return psql(t, "select coalesce(string_agg(row_to_json(r)::text, '|' order by id), '') from resources r where user_id = '"+a.id+"'")
	}
	before := snapshot()
	for _, id := range ids {
		expectError(t, do(t, "GET", "/api/v1/resources/"+id, b.token, nil), 404, "NOT_FOUND")
		expectError(t, do(t, "PATCH", "/api/v1/resources/"+id, b.token, map[string]any{"title": "pwned"}), 404, "NOT_FOUND")
		expectError(t, do(t, "PATCH", "/api/v1/resources/"+id, b.token, map[string]any{"status": "archived"}), 404, "NOT_FOUND")
		expectError(t, do(t, "DELETE", "/api/v1/resources/"+id, b.token, nil), 404, "NOT_FOUND")
	}
	list := do(t, "GET", "/api/v1/resources?limit=100", b.token, nil)
	for _, item := range list.body["data"].([]any) {
		if item.(map[string]any)["user_id"] != b.id {
			t.Fatalf("B's list contains %v", item)
		}
	}
	if total := list.body["meta"].(map[string]any)["total"]; total != float64(1) {
		t.Errorf("B's total = %v, want 1", total)
	}
	if after := snapshot(); after != before {
		t.Fatalf("A's rows changed:\n%s\n%s", before, after)
	}
}
