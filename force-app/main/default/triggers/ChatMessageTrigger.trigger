// Chat_Message__c changes → ChatMessageTriggerHandler (author default, Chat_Event__e after commit).
trigger ChatMessageTrigger on Chat_Message__c(before insert, after insert, after update, after delete, after undelete) {
    new ChatMessageTriggerHandler().run();
}
