#include "MessageView.h"

#include "models/TrafficTableModel.h"
#include "views/BodyText.h"
#include "views/StatusColors.h"

#include "observe/CaptureText.h"
#include "observe/Redactor.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace portico {

namespace {

QByteArray fieldValue(const std::vector<CapturedField> &fields, QByteArrayView name)
{
    for (const CapturedField &f : fields) {
        if (f.name.compare(name, Qt::CaseInsensitive) == 0)
            return f.value;
    }
    return {};
}

QString kindName(BodyKind kind)
{
    switch (kind) {
    case BodyKind::Json: return QObject::tr("JSON");
    case BodyKind::Binary: return QObject::tr("binary, hex dump");
    case BodyKind::Text: return QObject::tr("text");
    case BodyKind::Empty: break;
    }
    return {};
}

} // namespace

MessageView::MessageView(QWidget *parent)
    : QWidget(parent)
    , m_startLine(new QLabel)
    , m_note(new QLabel)
    , m_headers(new QTreeWidget)
    , m_bodyTitle(new QLabel)
    , m_body(new QPlainTextEdit)
    , m_notCaptured(tr("[headers not captured — open the Traffic page before sending to capture "
                       "them]"))
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    QFont startFont = mono;
    startFont.setWeight(QFont::DemiBold);
    m_startLine->setObjectName(QStringLiteral("startLine"));
    m_startLine->setFont(startFont);
    m_startLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->setObjectName(QStringLiteral("captureNote"));
    m_note->setWordWrap(true);
    setTextColor(m_note, warningColor(palette()));

    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setColumnCount(2);
    m_headers->setHeaderLabels({tr("Header"), tr("Value")});
    m_headers->setRootIsDecorated(false);
    m_headers->setAlternatingRowColors(true);
    m_headers->setUniformRowHeights(true);
    m_headers->setFont(mono);
    m_headers->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_headers->header()->setStretchLastSection(true);

    m_body->setObjectName(QStringLiteral("body"));
    m_body->setReadOnly(true);
    m_body->setFont(mono);
    m_body->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_bodyTitle->setForegroundRole(QPalette::PlaceholderText);

    auto *bodyBox = new QWidget;
    auto *bodyLayout = new QVBoxLayout(bodyBox);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->setSpacing(2);
    bodyLayout->addWidget(m_bodyTitle);
    bodyLayout->addWidget(m_body, 1);

    auto *split = new QSplitter(Qt::Horizontal);
    split->setChildrenCollapsible(false);
    split->addWidget(m_headers);
    split->addWidget(bodyBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addWidget(m_startLine);
    layout->addWidget(m_note);
    layout->addWidget(split, 1);
}

void MessageView::setMessage(const Message &message)
{
    m_startLine->setText(message.startLine);
    m_headers->clear();
    QStringList notes;
    const QColor redactedColor = warningColor(palette());
    if (!message.hasHeaders || !message.headers) {
        notes.append(m_notCaptured);
    } else {
        for (const CapturedField &f : *message.headers) {
            auto *item =
                new QTreeWidgetItem(m_headers, {captureText(f.name), captureText(f.value)});
            item->setToolTip(1, captureText(f.value));
            if (f.value.contains(Redactor::kRedacted)) {
                item->setForeground(1, redactedColor);
                item->setToolTip(1, tr("A secret: the capture keeps its name, not its value"));
            }
        }
    }

    BodyPresentation shown;
    if (message.hasHeaders && message.body) {
        const CapturedBody &body = *message.body;
        const QByteArray type =
            message.headers ? fieldValue(*message.headers, "content-type") : QByteArray();
        shown = presentBody(body.bytes, type);
        if (body.size > 0 && body.bytes.isEmpty())
            notes.append(tr("[body not captured: %1 — settings.capture_body_kib keeps the first "
                            "KiB of bodies]")
                             .arg(sizeText(body.size)));
        else if (body.truncated)
            notes.append(tr("[body truncated: the first %1 of %2 were captured]")
                             .arg(sizeText(body.bytes.size()), sizeText(body.size)));
    }
    m_body->setPlainText(shown.text);
    if (shown.kind != BodyKind::Empty)
        m_bodyTitle->setText(
            tr("Body · %1 · %2").arg(kindName(shown.kind), sizeText(message.bodyBytes)));
    else
        m_bodyTitle->setText(message.bodyBytes > 0
                                 ? tr("Body · %1").arg(sizeText(message.bodyBytes))
                                 : tr("No body"));
    m_note->setText(notes.join(u'\n'));
    m_note->setVisible(!notes.isEmpty());
}

QString MessageView::headersText() const
{
    QStringList lines;
    for (int i = 0; i < m_headers->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_headers->topLevelItem(i);
        lines.append(item->text(0) + QStringLiteral(": ") + item->text(1));
    }
    return lines.join(u'\n');
}

QString MessageView::bodyText() const
{
    return m_body->toPlainText();
}

QString MessageView::noteText() const
{
    return m_note->text();
}

} // namespace portico
