#include "ConfirmAction.h"

#include <QMessageBox>
#include <QPushButton>

namespace portico {

QMessageBox *askToConfirm(QWidget *parent, const Confirmation &confirmation,
                          std::function<void()> onConfirm)
{
    auto *box = new QMessageBox(QMessageBox::Warning, confirmation.title, confirmation.question,
                                QMessageBox::Cancel, parent);
    box->setObjectName(confirmation.objectName);
    box->setInformativeText(confirmation.consequence);
    if (!confirmation.details.isEmpty())
        box->setDetailedText(confirmation.details);
    QPushButton *act = box->addButton(confirmation.action, QMessageBox::DestructiveRole);
    act->setObjectName(confirmation.objectName + QStringLiteral("Button"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(box, &QMessageBox::buttonClicked, box,
                     [act, onConfirm = std::move(onConfirm)](QAbstractButton *button) {
                         if (button == act)
                             onConfirm();
                     });
    box->open();
    return box;
}

} // namespace portico
