#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dh::dispatch {

/// How a merge value is written into the output.
enum class Escape {
    none,         ///< as is (plain-text bodies)
    html,         ///< & < > " ' escaped (HTML bodies, also inside attribute values)
    single_line,  ///< CR, LF, TAB and other control characters become one space (subjects, headers)
};

/// The values of one recipient. A value that is absent or empty counts as missing: a mail that
/// says "Dear ," is broken, so the dispatch is refused at creation instead.
struct MergeContext {
    std::optional<std::string> vendor_name;
    std::optional<std::string> vendor_code;
    std::optional<std::string> contact_name;
    std::optional<std::string> contact_email;
    std::optional<std::string> tenant_name;
    std::optional<std::string> dispatch_reference;
    std::map<std::string, std::string, std::less<>> vendor_custom;  ///< key without "vendor.custom."

    /// The value of a field name such as "vendor.name" or "vendor.custom.po_number"; nullopt when
    /// missing (absent or empty) or when the field is unknown.
    std::optional<std::string_view> value(std::string_view field) const;
};

/// True for the fixed field names and for "vendor.custom.<key>" with key `[A-Za-z_][A-Za-z0-9_]*`
/// (at most 64 characters; the same rule as vendor custom field names).
bool is_known_field(std::string_view field);
/// "po_number" for "vendor.custom.po_number"; nullopt for every other field.
std::optional<std::string> custom_key(std::string_view field);

/// One use of a merge field: its name and the text written when the recipient has no value.
struct MergeField {
    std::string name;
    std::optional<std::string> fallback;  ///< from `| default: "..."`; nullopt: the value is required
};

/// The longest default text accepted (a default is a word or two, not a paragraph).
constexpr std::size_t kMaxMergeDefault = 500;

/// A text with merge fields `{{vendor.name}}` (spaces inside the braces allowed). `\{{` is a
/// literal `{{`. Parsed once per dispatch, rendered once per recipient; values are inserted as
/// data and never expanded again, so a value containing `{{...}}` stays literal.
///
/// A field may carry a default, written when the recipient has no value:
///   field     = "{{" ws name ws [ "|" ws "default" ws ":" ws quoted ] ws "}}"
///   quoted    = '"' { any character but '"' and '\' | '\"' | '\\' } '"'
/// e.g. `{{vendor.custom.region | default: "n/a"}}`. The default is literal text (a `{{` or `}}` in
/// it is not a field), at most kMaxMergeDefault bytes, and is escaped like a value. A field with a
/// default is never missing.
class MergeTemplate {
public:
    MergeTemplate() = default;

    /// Throws dh::Error (unprocessable) "unknown_merge_field" with extension `field` for a field
    /// that does not exist, "unknown_merge_filter" for a filter other than `default`, and
    /// "malformed_merge_field" for a `{{` without its `}}` or a default that is not a closed,
    /// quoted text within kMaxMergeDefault bytes (both with extension `merge_field`).
    static MergeTemplate parse(std::string_view text);

    /// The distinct field names used, e.g. {"vendor.code", "vendor.custom.po_number"}.
    const std::set<std::string>& fields() const { return fields_; }
    /// The fields used at least once without a default: those each recipient must have a value for.
    const std::set<std::string>& required_fields() const { return required_; }

    /// The text with each field replaced by its value (missing values render as empty; call
    /// require_values() first where that must not happen).
    std::string render(const MergeContext& ctx, Escape escape) const;

    /// The fields used here that `ctx` has no value for, sorted.
    std::vector<std::string> missing(const MergeContext& ctx) const;

    /// Rebuilds a template from a text produced from with_placeholders(`prefix`) (e.g. after the
    /// text went through Markdown rendering): each placeholder becomes its field again, everything
    /// else is literal (a `{{` in `text` is not parsed again).
    static MergeTemplate from_placeholders(std::string_view text, std::string_view prefix,
                                           const std::vector<MergeField>& field_by_index);
    /// The source with every field replaced by `<prefix><index>Z` (alphanumeric, so it passes
    /// unchanged through Markdown and HTML processing) and escaped `\{{` as a literal `{{`.
    /// `field_by_index` receives the field of each index.
    std::string with_placeholders(std::string_view prefix, std::vector<MergeField>& field_by_index) const;

private:
    struct Segment {
        bool is_field = false;
        std::string text;  ///< literal text, or the field name
        std::optional<std::string> fallback;
    };
    void add_field(MergeField field);

    std::vector<Segment> segments_;
    std::set<std::string> fields_;
    std::set<std::string> required_;
};

/// The fields of `fields` that `ctx` has no value for, sorted.
std::vector<std::string> missing_values(const std::set<std::string>& fields, const MergeContext& ctx);

/// Throws dh::Error (unprocessable) "missing_merge_value" naming the recipient and the field
/// (extensions `field` = the first missing one, `recipient`; one `errors` item per missing field)
/// when `ctx` lacks a value that `fields` needs. `recipient` is a label the user recognises,
/// e.g. "Acme Ltd <ap@acme.example>".
void require_values(const std::set<std::string>& fields, const MergeContext& ctx, std::string_view recipient);

}  // namespace dh::dispatch
