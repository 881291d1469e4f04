#include "common/strings.hpp"

#include <gtest/gtest.h>

namespace dh::strings {
namespace {

TEST(Strings, HtmlEscapeCoversTextAndQuotedAttributes) {
    EXPECT_EQ(html_escape(R"(<a href="x">Tom & Jerry's</a>)"),
              "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    EXPECT_EQ(html_escape("Müller GmbH"), "Müller GmbH") << "UTF-8 passes through";
    std::string out = "<p>";
    append_html_escaped(out, "1 < 2");
    EXPECT_EQ(out, "<p>1 &lt; 2");
}

TEST(Strings, SplitKeepsEmptyParts) {
    EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
    EXPECT_EQ(split("", ','), std::vector<std::string>{""});
}

TEST(Strings, ToLowerTouchesOnlyAscii) {
    EXPECT_EQ(to_lower("Content-TYPE"), "content-type");
    EXPECT_EQ(to_lower("ÄB"), "Äb");
}

}  // namespace
}  // namespace dh::strings
