#include "mail/safe_html.hpp"

#include <gtest/gtest.h>

namespace dh::mail {
namespace {

TEST(SafeHtmlToText, DropsScriptStyleAndMarkup) {
    EXPECT_EQ(safe_html_to_text("<p>Hi <b>there</b></p><script>steal()</script><style>p{}</style><p>Bye</p>"),
              "Hi there\n\nBye");
    EXPECT_EQ(safe_html_to_text("<SCRIPT type=x>a</sCrIpT>ok"), "ok");
    EXPECT_EQ(safe_html_to_text("<img src=\"https://t.example/p.gif\" onerror=\"x()\">text"), "text");
    EXPECT_EQ(safe_html_to_text("<a href='x'>link</a> &amp; &lt;b&gt; &#8364; &#x41; &bogus; a < b"),
              "link & <b> € A &bogus; a < b");
    EXPECT_EQ(safe_html_to_text("unterminated <script>alert(1)"), "unterminated");
    EXPECT_EQ(safe_html_to_text("<div title=\"a>b\">x</div><!-- c <script> -->y"), "x\ny");
    EXPECT_EQ(safe_html_to_text("line<br>break<ul><li>one<li>two</ul>"), "line\nbreak\n\n- one\n- two");
    EXPECT_EQ(safe_html_to_text("&#0;&#xD800;&#99999999;"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SafeHtmlToText, HostileInputStaysLinear) {
    std::string ampersands(1 << 20, '&');
    EXPECT_EQ(safe_html_to_text(ampersands).size(), ampersands.size());
    std::string tags;
    for (int i = 0; i < 100000; ++i) tags += "<script>";
    EXPECT_EQ(safe_html_to_text(tags), "");
}

}  // namespace
}  // namespace dh::mail
