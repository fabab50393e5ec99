#include "ReplayDialog.h"

#include "models/TrafficTableModel.h"
#include "views/FieldErrorLabel.h"
#include "views/StatusColors.h"

#include "observe/CaptureText.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace portico {

ReplayDialog::ReplayDialog(const ReplayRequest &request, const QStringList &notes, QWidget *parent)
    : QDialog(parent)
    , m_method(new QComboBox)
    , m_url(new QLineEdit(request.url))
    , m_headers(new QPlainTextEdit(headersToText(request.headers)))
    , m_body(new QPlainTextEdit)
    , m_warning(new QLabel)
    , m_errors(new FieldErrorLabel(QStringLiteral("replayErrors")))
{
    setObjectName(QStringLiteral("replayDialog"));
    setWindowTitle(tr("Edit and replay"));
    setWindowModality(Qt::WindowModal);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    m_method->setObjectName(QStringLiteral("replayMethod"));
    m_method->setEditable(true);
    m_method->addItems({QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                        QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD"),
                        QStringLiteral("OPTIONS")});
    m_method->setCurrentText(QString::fromLatin1(request.method));
    m_url->setObjectName(QStringLiteral("replayUrl"));
    m_url->setFont(mono);
    m_headers->setObjectName(QStringLiteral("replayHeaders"));
    m_headers->setFont(mono);
    m_headers->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_headers->setPlaceholderText(tr("Name: value, one field a line"));
    m_body->setObjectName(QStringLiteral("replayBody"));
    m_body->setFont(mono);
    m_binary = !request.body.isEmpty() && !isUtf8(request.body);
    if (m_binary) {
        m_binaryBody = request.body;
        m_body->setPlainText(
            tr("[%1 of binary data: sent as captured]").arg(sizeText(request.body.size())));
        m_body->setReadOnly(true);
    } else {
        m_body->setPlainText(QString::fromUtf8(request.body));
    }

    m_warning->setObjectName(QStringLiteral("replayWarning"));
    m_warning->setWordWrap(true);
    setTextColor(m_warning, warningColor(palette()));
    auto *notesLabel = new QLabel(
        notes.isEmpty() ? QString()
                        : tr("From the capture: %1.").arg(notes.join(QStringLiteral("; "))));
    notesLabel->setObjectName(QStringLiteral("replayNotes"));
    notesLabel->setWordWrap(true);
    notesLabel->setForegroundRole(QPalette::PlaceholderText);
    notesLabel->setVisible(!notes.isEmpty());

    auto *form = new QFormLayout;
    form->addRow(tr("&Method"), m_method);
    form->addRow(tr("&URL"), m_url);
    form->addRow(tr("&Headers"), m_headers);
    form->addRow(tr("&Body"), m_body);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    buttons->setObjectName(QStringLiteral("buttons"));
    m_send = buttons->addButton(tr("&Send"), QDialogButtonBox::AcceptRole);
    m_send->setObjectName(QStringLiteral("replaySend"));
    m_send->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Sent through the gateway, as a client would.")));
    layout->addLayout(form, 1);
    layout->addWidget(notesLabel);
    layout->addWidget(m_warning);
    layout->addWidget(m_errors);
    layout->addWidget(buttons);
    resize(720, 520);

    connect(m_method, &QComboBox::currentTextChanged, this, &ReplayDialog::check);
    connect(m_url, &QLineEdit::textChanged, this, &ReplayDialog::check);
    connect(m_headers, &QPlainTextEdit::textChanged, this, &ReplayDialog::check);
    check();
}

ReplayRequest ReplayDialog::request() const
{
    ReplayRequest r;
    r.method = m_method->currentText().trimmed().toLatin1();
    r.url = m_url->text().trimmed();
    r.headers = headersFromText(m_headers->toPlainText(), nullptr);
    r.body = m_binary ? m_binaryBody : m_body->toPlainText().toUtf8();
    return r;
}

QString ReplayDialog::warningText() const
{
    return m_warning->text();
}

void ReplayDialog::check()
{
    const ReplayRequest r = request();
    QStringList redacted = redactedParts(r);
    for (QString &part : redacted)
        part = part == tr("query") ? tr("the query") : tr("header %1").arg(part);
    m_warning->setText(
        redacted.isEmpty()
            ? QString()
            : tr("⚠ Redacted in the capture: %1. Fill in the real value before sending; as it "
                 "is, the gateway gets \u201c[redacted]\u201d.")
                  .arg(redacted.join(QStringLiteral(", "))));
    m_warning->setVisible(!redacted.isEmpty());

    QStringList errors;
    headersFromText(m_headers->toPlainText(), &errors);
    const QUrl url(r.url);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        errors.prepend(tr("URL: an http:// or https:// URL is needed"));
    const bool methodOk =
        !r.method.isEmpty() && std::all_of(r.method.begin(), r.method.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
        });
    if (!methodOk)
        errors.prepend(tr("Method: letters only, such as GET or POST"));
    m_errors->setMessage(errors.join(u'\n'));
    m_send->setEnabled(errors.isEmpty());
}

} // namespace portico
