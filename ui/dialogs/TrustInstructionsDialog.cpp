#include "TrustInstructionsDialog.h"

#include "ControlRoom.h"

#include "certs/LocalCa.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

TrustInstructionsDialog::TrustInstructionsDialog(const QString &caFile, QWidget *parent)
    : QDialog(parent)
    , m_text(new QPlainTextEdit(LocalCa::trustInstructions(caFile)))
    , m_copy(new QPushButton(portIcon("copy"), tr("&Copy")))
{
    setObjectName(QStringLiteral("trustInstructionsDialog"));
    setWindowTitle(tr("Trust the local CA"));
    resize(720, 520);

    auto *intro = new QLabel(
        tr("The local CA's certificate (not its key) is in <b>%1</b>. Certificates it issues "
           "are trusted wherever this file is: follow the steps for your system and tools.")
            .arg(QDir::toNativeSeparators(caFile).toHtmlEscaped()));
    intro->setWordWrap(true);
    m_text->setObjectName(QStringLiteral("trustInstructions"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_copy->setObjectName(QStringLiteral("copyTrustInstructions"));
    connect(m_copy, &QPushButton::clicked, this, &TrustInstructionsDialog::copyInstructions);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_copy, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
}

QString TrustInstructionsDialog::instructions() const
{
    return m_text->toPlainText();
}

void TrustInstructionsDialog::copyInstructions()
{
    QGuiApplication::clipboard()->setText(instructions());
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(2000, m_copy, [copy = m_copy] { copy->setText(tr("&Copy")); });
}

} // namespace portico
