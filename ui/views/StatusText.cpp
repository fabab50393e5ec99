#include "StatusText.h"

#include "views/StatusColors.h"

#include <QObject>
#include <QRegularExpression>

namespace portico {

QString engineStateHtml(EngineState state)
{
    const auto dot = [](const QColor &color) {
        return QStringLiteral("<span style=\"color:%1\">&#9679;</span> ").arg(color.name());
    };
    switch (state) {
    case EngineState::Running: return dot(okColor()) + QObject::tr("Running");
    case EngineState::Stopped: return dot(QColor(0x88, 0x88, 0x88)) + QObject::tr("Stopped");
    case EngineState::Failed: return dot(errorColor()) + QObject::tr("Not running");
    }
    return {};
}

QString plainText(const QString &html)
{
    QString text = html;
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    text.remove(tags);
    text.replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
    text.remove(QStringLiteral("&#9679;"));
    text.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
    text.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
    text.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
    return text.simplified();
}

} // namespace portico
